import type { HttpErrorBody } from "../protocol/frames";

/**
 * An HTTP refusal with a stable `code`, rendered as `{"error": code, "message": …}`.
 * Thrown anywhere in a route; the app's error handler turns it into the response.
 * @example throw new HttpError(401, "token_invalid", "the token could not be verified");
 */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 413 | 426 | 429 | 500 | 503,
    readonly code: string,
    message: string,
    /** Extra response headers (e.g. `Retry-After` on a 429). */
    readonly headers: Record<string, string> = {},
    /** Extra body fields (e.g. `retryAfterMs` on a 429). */
    readonly extra: Record<string, string | number> = {},
  ) {
    super(message);
  }

  /** The JSON body sent to the client (never a stack trace). */
  body(): HttpErrorBody {
    return { ...this.extra, error: this.code, message: this.message };
  }
}
