/**
 * A webhook receiver for the file's tests (started before them) and the
 * workers and sockets they open (all closed after them).
 */
import { afterAll, beforeAll } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";
import { type NodeSocket, type RunningWorker, startWorker } from "./worker-harness";

/** What a webhook test file gets. */
export interface WebhookFixture {
  /** The receiver, signing secret `secret` (inside a test or hook). */
  readonly receiver: WebhookReceiver;
  /** A worker with these var overrides, closed after the file. */
  worker(vars: Record<string, string>): Promise<RunningWorker>;
  /** Closes `socket` after the file; returns it. */
  track(socket: NodeSocket): NodeSocket;
}

/**
 * Registers the file's hooks.
 * @example const fx = useWebhookReceiver(SECRET); const worker = await fx.worker({ EVENT_WEBHOOK_URL: `${fx.receiver.url}/ok` });
 */
export function useWebhookReceiver(secret: string): WebhookFixture {
  let receiver: WebhookReceiver | undefined;
  const workers: RunningWorker[] = [];
  const opened: NodeSocket[] = [];
  beforeAll(async () => {
    receiver = await startWebhookReceiver(secret);
  });
  afterAll(async () => {
    for (const s of opened) s.ws.close(1000);
    for (const w of workers) await w.close();
    await receiver?.close();
  });
  return {
    get receiver() {
      if (!receiver) throw new Error("the receiver is not started yet (use it inside a test or hook)");
      return receiver;
    },
    async worker(vars) {
      const worker = await startWorker(vars);
      workers.push(worker);
      return worker;
    },
    track(socket) {
      opened.push(socket);
      return socket;
    },
  };
}
