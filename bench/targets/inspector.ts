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

/**
 * Collects garbage in the worker's isolate (`HeapProfiler.collectGarbage`),
 * pokes it with `GET pokeUrl`, and returns `Runtime.getHeapUsage`.
 * @example const heap = await collectGarbage(inspectorPort, `${http}/health`);
 */
export async function collectGarbage(inspectorPort: number, pokeUrl: string): Promise<HeapAfterGc> {
  const list = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const url = list[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error("the inspector lists no target");
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  const call = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`inspector: ${method} timed out`)), 30_000);
      pending.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      ws.send(JSON.stringify({ id, method }));
    });
  try {
    // Twice with a request each: the first pass can leave weak-callback garbage for the second.
    for (let i = 0; i < 2; i++) {
      const gc = call("HeapProfiler.collectGarbage");
      await fetch(pokeUrl).then((r) => r.arrayBuffer());
      await gc;
    }
    const usage = (await call("Runtime.getHeapUsage")) as { usedSize: number; totalSize: number };
    return { usedKiB: Math.round(usage.usedSize / 1024), totalKiB: Math.round(usage.totalSize / 1024) };
  } finally {
    ws.close();
  }
}
