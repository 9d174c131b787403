import { expect } from "vitest";

/**
 * The status and stable `error` code of an HTTP refusal, after checking that
 * its body has a human message and no stack trace.
 * @example expect(await refusal(res)).toEqual({ status: 401, error: "token_missing" });
 */
export async function refusal(res: Response): Promise<{ status: number; error: string }> {
  const body = (await res.json()) as { error: string; message: string };
  expect(typeof body.message).toBe("string");
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|stack/i);
  return { status: res.status, error: body.error };
}
