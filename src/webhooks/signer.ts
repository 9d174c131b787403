/**
 * Standard Webhooks signatures: `v1,` followed by the base64 of
 * HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>"). Signing the id
 * and the timestamp with the body is what lets a receiver refuse replays (an
 * old timestamp, an id it has already seen) without trusting unsigned headers.
 */
import { parseWebhookSecret } from "./secret";

const encoder = new TextEncoder();

/** Signs webhook messages with one secret (the imported key is reused). */
export class WebhookSigner {
  readonly #key: Promise<CryptoKey>;

  /** `secret` is `whsec_<base64>`; a malformed one throws WebhookSecretError here, not at send time. */
  constructor(secret: string) {
    const raw = parseWebhookSecret(secret);
    this.#key = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  }

  /**
   * The `webhook-signature` value for one message.
   * @example await signer.sign("msg_1", 1700000000, '{"type":"message.created"}') // "v1,K5oZ…="
   */
  async sign(id: string, timestamp: number, body: string): Promise<string> {
    const mac = await crypto.subtle.sign(
      "HMAC",
      await this.#key,
      encoder.encode(`${id}.${timestamp}.${body}`),
    );
    return `v1,${toBase64(new Uint8Array(mac))}`;
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
