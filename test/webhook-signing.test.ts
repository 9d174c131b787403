// Standard Webhooks signing (src/webhooks) checked by the spec's own library
// (`standardwebhooks`, the reference receiver implementation), not by our code.
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  buildWebhookRequest,
  newWebhookId,
  parseWebhookSecret,
  WebhookSecretError,
  WebhookSigner,
  webhookTimestamp,
} from "../src/webhooks";

// The spec's example secret (24 bytes).
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** The headers of a request as the library's verify() takes them. */
function headersOf(req: Request): Record<string, string> {
  return Object.fromEntries(req.headers.entries());
}

describe("Standard Webhooks signing", () => {
  it("matches the spec's published example signature", async () => {
    const signature = await new WebhookSigner(SECRET).sign(
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("builds a POST that the standardwebhooks library verifies, non-ASCII body included", async () => {
    const body = JSON.stringify({ type: "message.created", data: { content: "héllo 世界 مرحبا 👋" } });
    const id = newWebhookId();
    const req = await buildWebhookRequest("https://example.com/hook", new WebhookSigner(SECRET), {
      id,
      timestamp: webhookTimestamp(),
      body,
    });
    expect(req.method).toBe("POST");
    expect(req.headers.get("content-type")).toBe("application/json");
    expect(req.headers.get("webhook-id")).toBe(id);
    expect(req.headers.get("webhook-timestamp")).toMatch(/^\d{10}$/);
    const received = await req.text();
    expect(received).toBe(body);
    expect(new Webhook(SECRET).verify(received, headersOf(req))).toEqual(JSON.parse(body));
  });

  it("is refused by the library when the body, id or timestamp is changed, or the key differs", async () => {
    const body = '{"type":"user.joined"}';
    const req = await buildWebhookRequest("https://example.com/hook", new WebhookSigner(SECRET), {
      id: "msg_1",
      timestamp: webhookTimestamp(),
      body,
    });
    const headers = headersOf(req);
    const wh = new Webhook(SECRET);
    expect(() => wh.verify('{"type":"user.left"}', headers)).toThrow(WebhookVerificationError);
    expect(() => wh.verify(body, { ...headers, "webhook-id": "msg_2" })).toThrow(WebhookVerificationError);
    const later = String(Number(headers["webhook-timestamp"]) + 1);
    expect(() => wh.verify(body, { ...headers, "webhook-timestamp": later })).toThrow(
      WebhookVerificationError,
    );
    const other = `whsec_${btoa("another-key-of-24-bytes!")}`;
    expect(() => new Webhook(other).verify(body, headers)).toThrow(WebhookVerificationError);
  });

  it("signs with the timestamp given, so a replayed old message is refused by the receiver", async () => {
    const body = "{}";
    const req = await buildWebhookRequest("https://example.com/hook", new WebhookSigner(SECRET), {
      id: "msg_old",
      timestamp: webhookTimestamp(Date.now() - 10 * 60_000),
      body,
    });
    expect(() => new Webhook(SECRET).verify(body, headersOf(req))).toThrow(/too old/);
  });

  it("parses whsec_ secrets and refuses malformed ones without quoting them", () => {
    expect(parseWebhookSecret(SECRET)).toHaveLength(24);
    expect(parseWebhookSecret(`whsec_${btoa("k".repeat(64))}`)).toHaveLength(64);
    const bad = [
      "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", // no prefix
      "whsec_not base64!",
      `whsec_${btoa("too-short")}`,
      `whsec_${btoa("k".repeat(65))}`,
      "whsec_",
    ];
    for (const secret of bad) {
      expect(() => parseWebhookSecret(secret)).toThrow(WebhookSecretError);
      try {
        parseWebhookSecret(secret);
      } catch (err) {
        if (secret.length > 6) expect((err as Error).message).not.toContain(secret.slice(6));
      }
    }
  });
});
