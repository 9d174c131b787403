import { type Refusal, RefusalError, type RefusalStatus } from "../protocol/refusal";

/**
 * A route's refusal with a stable `code`, thrown anywhere in a route; the app's
 * error handler answers it with `refusalResponse` like every other refusal.
 * @example throw new HttpError(401, "token_invalid", "the token could not be verified");
 */
export class HttpError extends RefusalError {
  override name = "HttpError";
  constructor(
    status: RefusalStatus,
    code: string,
    message: string,
    /** Transport headers beyond the refusal's own (a CORS header; `Retry-After` without a body field). */
    readonly headers: Record<string, string> = {},
    /** More of the refusal: `retryAfterMs` (also sent as `Retry-After`). */
    more: Pick<Refusal, "retryAfterMs"> = {},
  ) {
    super({ code, message, status, ...more });
  }
}
