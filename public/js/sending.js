// Sending from the demo: each message shows as pending at once and settles
// with its ack or its refusal; messages restored from the stored outbox (typed
// before a reload or a room switch, not yet acknowledged) are shown the same
// way, and the user is told about any that the room refuses.
import { newCid } from "../vendor/roomcast-client.js";
import { canRetry, describeError } from "./refusals.js";

/**
 * Sends `content` through `send` with the list's feedback: pending at once,
 * then delivered (ack) or failed with a Retry button (none for a refusal that
 * would only come again: muted, too long, …).
 * @param {import("./message-list.js").MessageList} list
 * @param {string} content
 * @param {(cid: string) => Promise<{ seq: number, timestamp: number }>} send
 * @param {(err: unknown) => void} onError  called unless `stale()` says the view moved on
 * @param {() => boolean} [stale]
 */
export function sendTracked(list, content, send, onError, stale = () => false) {
  const cid = newCid();
  list.addPending(cid, content, Date.now());
  send(cid).then(
    (ack) => list.acked(cid, ack.seq, ack.timestamp),
    (err) => {
      if (stale()) return;
      const retry = () => sendTracked(list, content, send, onError, stale);
      list.failed(cid, describeError(err), canRetry(err) ? retry : undefined);
      onError(err);
    },
  );
}

/**
 * Shows the messages `client` restored from storage as pending, and settles
 * them from its events (nobody awaits a restored send): delivered at their
 * ack, or marked "Not sent" with a Retry and a toast when the room refuses them.
 * @param {import("../vendor/roomcast-client.js").RoomcastClient} client
 * @param {import("./message-list.js").MessageList} list
 * @param {import("./toasts.js").Toasts} toasts
 * @param {(content: string) => void} resend
 */
export function trackRestored(client, list, toasts, resend) {
  const restored = new Set();
  for (const entry of client.outbox) {
    restored.add(entry.cid);
    list.addPending(entry.cid, entry.content, entry.createdAt);
  }
  if (restored.size > 0) {
    const what =
      restored.size === 1 ? "1 message you typed earlier" : `${restored.size} messages you typed earlier`;
    toasts.show(`${what} will be sent as soon as you are connected.`, "info");
  }
  client.on("ack", (ack) => {
    if (ack.cid && restored.delete(ack.cid)) list.acked(ack.cid, ack.seq, ack.timestamp);
  });
  client.on("unsent", ({ entry, error }) => {
    // Sends of this page report their own refusals (sendTracked).
    if (!restored.delete(entry.cid)) return;
    list.failed(entry.cid, describeError(error), canRetry(error) ? () => resend(entry.content) : undefined);
    toasts.show(`A message you typed earlier was not sent: ${describeError(error)}`);
  });
}
