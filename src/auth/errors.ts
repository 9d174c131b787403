/**
 * Why a token was refused, as a stable code (jose's own error codes stay inside
 * the verifier so callers do not depend on the library).
 */
export type AuthErrorCode = "token_missing" | "token_invalid" | "token_expired";

/** A refused token: always answered 401 with `code`. */
export class AuthError extends Error {
  override name = "AuthError";
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The key source could not be reached (a JWKS timeout, an unreachable or broken
 * key set): not the client's fault, so answered 503 and retried by clients,
 * never a 401 that would make them give up.
 */
export class KeysUnavailableError extends Error {
  override name = "KeysUnavailableError";
}
