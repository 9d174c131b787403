/**
 * A moderator's reads over HTTP: a room's active bans and mutes
 * (`GET /v1/rooms/:room/bans`, `…/mutes`). They need no open socket: a
 * moderator can list (and then lift) the bans of someone who is not there.
 */
import type { BanList, MuteList } from "../protocol/frames";
import { RoomcastError, type RoomcastErrorCode } from "./errors";
import type { FetchLike } from "./refusal-probe";
import { httpBase, withSlash } from "./transport";

/** The lists a moderator may read, by the last part of their path. */
export interface ModeratorLists {
  bans: BanList;
  mutes: MuteList;
}

/**
 * `GET /v1/rooms/:room/<list>` with the token: the list, or a {@link RoomcastError}
 * with the server's code and HTTP `status` (`forbidden` 403 for a member,
 * `token_expired` 401, …), `timeout`, or `request_failed` when no answer came.
 * @example const { bans } = await readModeratorList(fetch, base, "general", "bans", token, 10_000);
 */
export async function readModeratorList<L extends keyof ModeratorLists>(
  fetchImpl: FetchLike | undefined,
  base: URL,
  room: string,
  list: L,
  token: string,
  timeoutMs: number,
): Promise<ModeratorLists[L]> {
  if (!fetchImpl) throw new RoomcastError("invalid_argument", "no fetch implementation: pass options.fetch");
  const url = new URL(`v1/rooms/${encodeURIComponent(room)}/${list}`, withSlash(httpBase(base)));
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await fetchImpl(url.toString(), {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const timedOut = err instanceof Error && err.name === "TimeoutError";
    throw new RoomcastError(
      timedOut ? "timeout" : "request_failed",
      timedOut ? `no answer within ${timeoutMs} ms` : `the request failed: ${String(err)}`,
    );
  }
  const body = (await res.json?.().catch(() => undefined)) as
    | (Partial<ModeratorLists[L]> & { error?: string; message?: string; retryAfterMs?: number })
    | undefined;
  if (res.status === 200 && body) return body as ModeratorLists[L];
  throw new RoomcastError(
    (body?.error ?? "request_failed") as RoomcastErrorCode,
    body?.message ?? `the server answered HTTP ${res.status}`,
    body?.retryAfterMs,
    undefined,
    { status: res.status },
  );
}
