// A Roomcast webhook receiver in plain Node (no framework): verify, drop
// duplicates by webhook-id, handle. Type-checked by `npm run typecheck`, and
// the block in docs/webhooks.md must equal this file (test/e2e/docs-examples.test.ts).
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const wh = new Webhook(process.env.EVENT_WEBHOOK_SECRET ?? ""); // "whsec_…"
const seen = new Set<string>(); // use your database in production

createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => {
    body += chunk.toString("utf8");
  });
  req.on("end", () => {
    // standardwebhooks wants plain string headers; Node's may be arrays or absent.
    const header = (name: string) => String(req.headers[name] ?? "");
    const headers = {
      "webhook-id": header("webhook-id"),
      "webhook-timestamp": header("webhook-timestamp"),
      "webhook-signature": header("webhook-signature"),
    };
    let event: { type: string; timestamp: string; data: unknown };
    try {
      event = wh.verify(body, headers) as typeof event; // throws on a bad signature or an old timestamp
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (!seen.has(headers["webhook-id"])) {
      seen.add(headers["webhook-id"]);
      console.log(event.type, event.data);
    }
    res.writeHead(204).end(); // any 2xx: delivered; anything else is retried
  });
}).listen(8788);
