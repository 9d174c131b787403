// A burst past the rate limit while accepted frames are still under way (an
// inbox's send waits on the recipient's inbox; a room's message on a slow
// pre-publish hook): every message stored is acked before the refusals and the
// 4008 close, in that order, as a room without a hook does it.
import { beforeAll, describe, expect, it } from "vitest";
import type { ServerFrame } from "../../src/protocol/frames";
import { freshIp } from "../helpers/guard-client";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { useWebhookReceiver } from "./webhook-fixture";
import { type NodeSocket, openSocket, type RunningWorker } from "./worker-harness";

const SECRET = `whsec_${Buffer.from("roomcast-e2e-burst-acks-secret").toString("base64")}`;
const fx = useWebhookReceiver(SECRET);

// Small, so the burst is quick; at 10 a minute no token refills during a case.
const LIMIT = 10;
const STRIKES = 5;
const BURST = LIMIT + STRIKES + 5;

let worker: RunningWorker;
beforeAll(async () => {
  worker = await fx.worker({
    RATE_LIMIT_PER_MINUTE: String(LIMIT),
    RATE_LIMIT_STRIKES: String(STRIKES),
    // `/hook/order` answers content starting with "slow" after 400 ms.
    PUBLISH_HOOK_URL: `${fx.receiver.url}/hook/order`,
    PUBLISH_HOOK_SECRET: SECRET,
    PUBLISH_HOOK_TIMEOUT_MS: "5000",
  });
});

async function open(url: string, sub: string, welcome: "welcome" | "inbox_welcome"): Promise<NodeSocket> {
  const socket = await openSocket(url, {
    // A fresh address: the 4008 is a strike against it.
    headers: { Authorization: `Bearer ${await signTestToken({ sub })}`, "CF-Connecting-IP": freshIp() },
  });
  await socket.frames.next(welcome);
  return fx.track(socket);
}

/** The acks and errors the socket got before its close, as `ack cid` / `error code ref` lines, and the close code. */
async function repliesUntilClose(socket: NodeSocket): Promise<{ replies: string[]; code: number }> {
  const { code } = await socket.frames.closed(15_000);
  const replies = socket.frames.all
    .filter(
      (f): f is Extract<ServerFrame, { type: "ack" | "error" }> => f.type === "ack" || f.type === "error",
    )
    .map((f) => (f.type === "ack" ? `ack ${f.cid}` : `error ${f.code} ${f.ref}`));
  return { replies, code };
}

const expected = [
  ...Array.from({ length: LIMIT }, (_, i) => `ack m${i}`),
  ...Array.from({ length: STRIKES }, (_, i) => `error rate_limited m${LIMIT + i}`),
];

describe("acks before the refusals and the close of a burst", () => {
  it("inbox: every stored private message is acked, then rate_limited, then 4008", async () => {
    const suffix = crypto.randomUUID().slice(0, 8);
    const [ann, ben] = [`ann-${suffix}`, `ben-${suffix}`];
    const sender = await open(worker.inboxUrl(), ann, "inbox_welcome");
    for (let i = 0; i < BURST; i++) {
      sender.send({ type: "private_message", to: ben, content: `hello ${i}`, cid: `m${i}` });
    }
    const { replies, code } = await repliesUntilClose(sender);
    expect(replies).toEqual(expected);
    expect(code).toBe(4008);
    // Stored in both inboxes: exactly the acked ones.
    for (const [user, seqs] of [
      [ann, LIMIT],
      [ben, LIMIT],
    ] as const) {
      const reader = await openSocket(worker.inboxUrl(), {
        headers: { Authorization: `Bearer ${await signTestToken({ sub: user })}` },
      });
      fx.track(reader);
      expect((await reader.frames.next("inbox_welcome")).seq).toBe(seqs);
    }
  });

  it("room with a slow pre-publish hook: every stored message is acked, then rate_limited, then 4008", async () => {
    const room = freshRoom();
    const sender = await open(worker.roomUrl(room), "fred", "welcome");
    for (let i = 0; i < BURST; i++) sender.send({ type: "room_message", content: `slow ${i}`, cid: `m${i}` });
    const { replies, code } = await repliesUntilClose(sender);
    expect(replies).toEqual(expected);
    expect(code).toBe(4008);
    const reader = await open(worker.roomUrl(room), "gina", "welcome");
    reader.send({ type: "history" });
    expect((await reader.frames.next("history")).messages.map((m) => m.seq)).toEqual(
      Array.from({ length: LIMIT }, (_, i) => i + 1),
    );
  });
});
