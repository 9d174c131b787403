// The SDK against the real worker's limits: a burst over the message budget
// with typing on is paced by retryAfterMs (all delivered, no 4008), history
// requests carry a ref (bad ones fail at once, beside good ones), and refused
// upgrades say why (the server's reason code).
import { describe, expect, it } from "vitest";
import type { CloseInfo, RoomcastError } from "../../src/client";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { useWorkerClients } from "./client-fixture";

const fx = useWorkerClients();

describe("the SDK within the room's limits", () => {
  it("delivers a burst of 110 with typing on: paced by retryAfterMs, no 4008", async () => {
    const room = freshRoom();
    const ann = await fx.join(room, "Ann");
    const ben = await fx.join(room, "Ben");
    const states: string[] = [];
    ann.client.on("state", (s) => states.push(s.status));
    let waited = 0;
    ann.client.on("outbox", (entries) => {
      if (entries.some((e) => e.status === "waiting")) waited += 1;
    });
    const texts = Array.from({ length: 110 }, (_, i) => `burst ${i + 1}`);
    const acks = texts.map((text) => {
      ann.client.typing(); // a typist: a keystroke before every message
      return ann.client.send(text);
    });
    const seqs = (await Promise.all(acks)).map((a) => a.seq);
    expect(seqs).toEqual(texts.map((_, i) => i + 1));
    await ben.rec.messageCount(110, 20_000);
    expect(ben.rec.contents()).toEqual(texts);
    // It did reach the budget (100/minute) and waited, without ever dropping the socket.
    expect(waited).toBeGreaterThan(0);
    expect(states).toEqual([]);
    expect(ann.client.state.status).toBe("open");
  });

  it("runs history requests concurrently; a bad one fails at once with its code", async () => {
    const room = freshRoom();
    const ann = await fx.join(room, "Ann", { requestTimeoutMs: 10_000 });
    for (let i = 1; i <= 3; i++) await ann.client.send(`m${i}`);
    const started = Date.now();
    const [zero, big, both, good] = await Promise.allSettled([
      ann.client.history({ limit: 0 }),
      ann.client.history({ limit: 101 }),
      ann.client.history({ before: 3, after: 1 }),
      ann.client.history({ before: 3 }),
    ]);
    for (const bad of [zero, big, both]) {
      expect(bad.status).toBe("rejected");
      expect((bad as PromiseRejectedResult).reason).toMatchObject({ code: "invalid_message" });
    }
    expect(good.status === "fulfilled" && good.value.messages.map((m) => m.seq)).toEqual([1, 2]);
    // Far from the 10 s timeout the old one-at-a-time queue waited for each refusal.
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("reports why an upgrade was refused: the server's reason code", async () => {
    const room = freshRoom();
    const refusal = async (token: string, extra: object = {}): Promise<CloseInfo | undefined> => {
      const client = fx.client({ room, token, ...extra });
      const err = (await client.connect().catch((e: unknown) => e)) as RoomcastError;
      expect(client.state.status).toBe("closed");
      return err.close;
    };
    const expired = await signTestToken({ sub: "old", exp: Math.floor(Date.now() / 1000) - 60 });
    expect(await refusal("not-a-jwt")).toMatchObject({
      kind: "refused",
      status: 401,
      error: "token_invalid",
    });
    expect(await refusal(expired)).toMatchObject({ kind: "refused", status: 401, error: "token_expired" });
    const elsewhere = await signTestToken({ sub: "limited", rooms: ["somewhere-else"] });
    expect(await refusal(elsewhere)).toMatchObject({ status: 403, error: "room_forbidden" });

    // A page on an origin the server does not allow (Node can say so: browsers always do).
    const origin = "https://not-allowed.example";
    const { default: WebSocket } = await import("ws");
    class FromOrigin extends WebSocket {
      constructor(url: string, protocols?: string | string[] | { headers: Record<string, string> }) {
        const headers = typeof protocols === "object" && !Array.isArray(protocols) ? protocols.headers : {};
        super(url, { headers: { ...headers, Origin: origin } });
      }
    }
    const token = await signTestToken({ sub: "web" });
    const info = await refusal(token, {
      WebSocket: FromOrigin as never,
      fetch: (url: string, init: { headers: Record<string, string> }) =>
        fetch(url, { ...init, headers: { ...init.headers, Origin: origin } }),
    });
    expect(info).toMatchObject({ status: 403, error: "origin_not_allowed" });
  });
});
