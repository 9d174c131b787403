/**
 * A forced garbage collection in a `wrangler dev` worker, through its inspector
 * (`--inspector-port`, wrangler's inspector proxy in front of workerd's), so
 * memory figures count what is retained, not garbage V8 has not collected yet.
 * workerd runs the collection on the isolate's next event, so after asking for
 * it this sends one request and only then reads the heap.
 */
import WebSocket from "ws";

/** The JS heap of the worker's isolate after a forced collection. */
export interface HeapAfterGc {
  usedKiB: number;
  totalKiB: number;
}

/** One DevTools protocol session with the worker's isolate. */
export interface InspectorSession {
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

/** Opens a session on the worker behind wrangler's inspector proxy at `inspectorPort`. */
export async function openInspector(inspectorPort: number): Promise<InspectorSession> {
  const list = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const url = list[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error("the inspector lists no target");
  const ws = new WebSocket(url, { maxPayload: 1024 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  // Ids of our own, far from 1: the proxy may relay late answers of an earlier session.
  let nextId = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
  const pending = new Map<number, (result: unknown) => void>();
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  const call = (method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`inspector: ${method} timed out`));
      }, timeoutMs);
      pending.set(id, (result) => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(result);
      });
      ws.send(JSON.stringify({ id, method, params }));
    });
  // The proxy drops what arrives before it has reached the runtime: wait until
  // a harmless call is answered.
  for (let attempt = 0; ; attempt++) {
    try {
      await call("Runtime.getHeapUsage", {}, 1000);
      break;
    } catch (err) {
      if (attempt >= 20) {
        ws.close();
        throw err;
      }
    }
  }
  return {
    call,
    close: () => ws.close(),
  };
}

/**
 * Collects garbage in the worker's isolate (`HeapProfiler.collectGarbage`),
 * pokes it with `GET pokeUrl`, and returns `Runtime.getHeapUsage`.
 * @example const heap = await collectGarbage(inspectorPort, `${http}/health`);
 */
export async function collectGarbage(inspectorPort: number, pokeUrl: string): Promise<HeapAfterGc> {
  const session = await openInspector(inspectorPort);
  try {
    // Twice with a request each: the first pass can leave weak-callback garbage for the second.
    for (let i = 0; i < 2; i++) {
      let done = false;
      const gc = session.call("HeapProfiler.collectGarbage").finally(() => {
        done = true;
      });
      // Poked until it ran: a poke that reaches the isolate before the request
      // for a collection does not run it.
      while (!done) {
        await fetch(pokeUrl).then((r) => r.arrayBuffer());
        await Promise.race([gc, new Promise((r) => setTimeout(r, 200))]);
      }
      await gc;
    }
    const usage = (await session.call("Runtime.getHeapUsage")) as { usedSize: number; totalSize: number };
    return { usedKiB: Math.round(usage.usedSize / 1024), totalKiB: Math.round(usage.totalSize / 1024) };
  } finally {
    session.close();
  }
}
