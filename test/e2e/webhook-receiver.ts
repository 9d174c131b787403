/**
 * A local Node HTTP receiver for webhook tests. It verifies every request with
 * the Standard Webhooks reference library (`standardwebhooks`), as a real
 * receiver would, and records what it got. Paths choose its behaviour:
 * `/ok` answers 204; `/fail-first` answers 500 to the first attempt of each
 * `webhook-id`, then 204; `/down` always 503; `/slow` never answers within a
 * test's timeout; `/switch` follows the mode set with `PUT /mode/ok` or
 * `PUT /mode/down`. As a pre-publish hook: `/hook/accept`, `/hook/reject`,
 * `/hook/rewrite` (upper-cases the content), `/hook/error` (500), `/hook/slow`
 * (never answers), `/hook/order` (accepts, answering content that starts with
 * "slow" 400 ms late). `GET /log` returns the record (for tests running in workerd,
 * which reach this receiver over HTTP).
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** One request the receiver got. */
export interface Delivery {
  path: string;
  id: string;
  timestamp: number;
  /** The body verified and parsed, or undefined when verification failed. */
  event: { type: string; timestamp: string; data: Record<string, unknown> } | undefined;
  verified: boolean;
  /** What the receiver answered. */
  status: number;
}

/** A running receiver. */
export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** Waits until `count` verified deliveries match `filter` (explicit timeout). */
  waitFor(filter: (d: Delivery) => boolean, count?: number, timeoutMs?: number): Promise<Delivery[]>;
  close(): Promise<void>;
}

/** The pre-publish hook's answers, by path. */
function answerHook(path: string, event: Delivery["event"], res: import("node:http").ServerResponse): void {
  const content = String(event?.data.content ?? "");
  const json = (body: object): void => {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  if (path === "/hook/accept") json({ action: "accept" });
  else if (path === "/hook/reject") json({ action: "reject", reason: "not on this channel" });
  else if (path === "/hook/rewrite") json({ action: "rewrite", content: content.toUpperCase() });
  else if (path === "/hook/order")
    setTimeout(() => json({ action: "accept" }), content.startsWith("slow") ? 400 : 0);
  else res.writeHead(500).end();
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

/**
 * Starts a receiver for `secret` on `port` (0: any free port) of 127.0.0.1.
 * @example const receiver = await startWebhookReceiver("whsec_…"); // receiver.url + "/ok"
 */
export async function startWebhookReceiver(secret: string, port = 0): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  const deliveries: Delivery[] = [];
  const seenIds = new Set<string>();
  let mode: "ok" | "down" = "ok";
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method === "PUT" && (path === "/mode/ok" || path === "/mode/down")) {
      mode = path === "/mode/ok" ? "ok" : "down";
      res.writeHead(204).end();
      return;
    }
    if (req.method === "GET" && path === "/log") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(deliveries));
      return;
    }
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      const id = header(req.headers, "webhook-id");
      let event: Delivery["event"];
      let verified = false;
      try {
        event = verifier.verify(body, {
          "webhook-id": id,
          "webhook-timestamp": header(req.headers, "webhook-timestamp"),
          "webhook-signature": header(req.headers, "webhook-signature"),
        }) as Delivery["event"];
        verified = true;
      } catch {
        verified = false;
      }
      const firstTime = !seenIds.has(id);
      seenIds.add(id);
      let status = verified ? 204 : 401;
      if (verified && path === "/fail-first" && firstTime) status = 500;
      if (path === "/down" || (path === "/switch" && mode === "down")) status = 503;
      deliveries.push({
        path,
        id,
        timestamp: Number(header(req.headers, "webhook-timestamp")),
        event,
        verified,
        status,
      });
      for (const wake of waiters.splice(0)) wake();
      if (path === "/slow" || path === "/hook/slow") return; // never answered: the sender's timeout ends it
      if (path.startsWith("/hook/") && verified) {
        answerHook(path, event, res);
        return;
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    deliveries,
    waitFor(filter, count = 1, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(`timed out waiting for ${count} webhook deliveries; got ${JSON.stringify(deliveries)}`),
          );
        }, timeoutMs);
        const check = () => {
          const matching = deliveries.filter(filter);
          if (matching.length >= count) {
            clearTimeout(timer);
            resolve(matching);
          } else {
            waiters.push(check);
          }
        };
        check();
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
