/**
 * Standard Webhooks secrets: `whsec_` followed by the base64 of the key bytes
 * (the spec's format, so the same string can be handed to a receiver's library).
 */

/** The prefix every Standard Webhooks secret carries. */
export const SECRET_PREFIX = "whsec_";

/** Keys shorter than this are refused: the spec asks for 24 to 64 random bytes. */
export const MIN_SECRET_BYTES = 24;

/** Keys longer than this are refused (the spec's upper bound). */
export const MAX_SECRET_BYTES = 64;

// Standard base64 with optional padding, as the spec and its libraries write it.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** A secret that is not `whsec_<base64 of 24-64 bytes>`. */
export class WebhookSecretError extends Error {
  override name = "WebhookSecretError";
}

/**
 * The key bytes of a `whsec_<base64>` secret, or throws {@link WebhookSecretError}
 * (never quoting the secret, which would end up in logs).
 * @example parseWebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") // 24 bytes
 */
export function parseWebhookSecret(secret: string): Uint8Array {
  if (!secret.startsWith(SECRET_PREFIX)) {
    throw new WebhookSecretError(`a webhook secret starts with ${SECRET_PREFIX}`);
  }
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) {
    throw new WebhookSecretError(`a webhook secret is ${SECRET_PREFIX} followed by base64`);
  }
  const binary = atob(encoded);
  if (binary.length < MIN_SECRET_BYTES || binary.length > MAX_SECRET_BYTES) {
    throw new WebhookSecretError(
      `a webhook secret holds ${MIN_SECRET_BYTES}-${MAX_SECRET_BYTES} bytes (it holds ${binary.length})`,
    );
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
