// The SDK's inbox client against the real worker: private messages to a user
// who is offline, a send whose ack is lost retried with the same cid (stored
// once in each inbox), resume after the drop, unread counts, markRead and the
// receipt on the sender's side.
import { afterEach, describe, expect, it } from "vitest";
import { InboxClient, type InboxClientOptions, type PrivateMessageFrame } from "../../src/client";
import { signTestToken } from "../helpers/tokens";
import { FakeTiming } from "./client-fake-timing";
import { useWorkerClients } from "./client-fixture";
import { openInbox } from "./worker-harness";

const fx = useWorkerClients({ proxy: true });
const clients: InboxClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

const freshUser = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

function inbox(options: Omit<InboxClientOptions, "url"> & { url?: string }) {
  const client = new InboxClient({ url: fx.proxy.url.href, ...options });
  clients.push(client);
  const messages: PrivateMessageFrame[] = [];
  client.on("message", (m) => messages.push(m));
  return { client, messages };
}

/** Resolves when `client` emits `event` with a payload `match` accepts. */
function when<K extends "state" | "read_receipt" | "conversations">(
  client: InboxClient,
  event: K,
  match: (payload: Parameters<Parameters<InboxClient["on"]>[1]>[0]) => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), timeoutMs);
    const off = client.on(event, (payload) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

describe("InboxClient", () => {
  it("sends to an offline user, retries a lost ack with the same cid, and shows the receipt", async () => {
    const [a, b] = [freshUser("ann"), freshUser("ben")];
    const timing = new FakeTiming();
    const ann = inbox({ token: await signTestToken({ sub: a, name: "Ann" }), timing, heartbeat: false });
    await ann.client.connect();
    // A raw socket on Ann's inbox, straight to the worker, sees what her inbox stores.
    const watcher = await openInbox(fx.worker, await signTestToken({ sub: a }));
    expect((await ann.client.sendPrivate(b, "one")).seq).toBe(1);

    fx.proxy.mute(); // stored in both inboxes, but the ack never reaches the client
    const acked = ann.client.sendPrivate(b, "two", { cid: "lost-ack" });
    await watcher.frames.next("private_message");
    const stored = await watcher.frames.next("private_message");
    expect(stored).toMatchObject({ content: "two", cid: "lost-ack", seq: 2 });
    fx.proxy.mute(false);
    const reconnecting = when(
      ann.client,
      "state",
      (s) => (s as { status: string }).status === "reconnecting",
    );
    fx.proxy.dropAll();
    await reconnecting;
    const state = ann.client.state;
    if (state.status !== "reconnecting") throw new Error("expected reconnecting");
    timing.fire(state.delayMs);
    expect(await acked).toMatchObject({ cid: "lost-ack", id: stored.id, seq: 2 });
    expect(ann.messages.map((m) => m.content)).toEqual(["one", "two"]);
    expect(ann.client.conversations).toMatchObject([{ with: { id: b }, lastSeq: 2, unread: 0, readUpTo: 0 }]);

    // Ben was never connected: both messages wait for him, once each.
    const ben = inbox({ url: fx.worker.url.href, token: await signTestToken({ sub: b, name: "Ben" }) });
    const welcome = await ben.client.connect();
    expect(welcome.conversations).toEqual([
      { with: { id: a, name: "Ann" }, lastSeq: 2, unread: 2, readUpTo: 0 },
    ]);
    expect(ben.messages.map((m) => m.content)).toEqual(["one", "two"]);
    const receipt = when(ann.client, "read_receipt", (r) => (r as { upTo: number }).upTo === 2);
    const cleared = when(
      ben.client,
      "conversations",
      (list) => (list as { unread: number }[])[0]?.unread === 0,
    );
    ben.client.markRead(a);
    await receipt;
    await cleared;
    expect(ann.client.conversations[0]).toMatchObject({ readUpTo: 2 });

    // A reply reaches Ann live and counts as unread there.
    const unread = when(
      ann.client,
      "conversations",
      (list) => (list as { unread: number }[])[0]?.unread === 1,
    );
    await ben.client.sendPrivate(a, "got both");
    await unread;
    expect(ann.messages.map((m) => m.content)).toEqual(["one", "two", "got both"]);
    watcher.ws.close(1000);
  });
});
