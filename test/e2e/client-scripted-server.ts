/**
 * A tiny local WebSocket server (the `ws` package) that welcomes each client
 * and then closes with a chosen code — for the close codes the real worker
 * cannot send yet (4003 needs moderation, which is not built) or only sends
 * after long timeouts (4001, 4008).
 */
import { WebSocketServer } from "ws";
import type { WelcomeFrame } from "../../src/client";

/** A server that closes every connection with `code` right after its welcome. */
export interface ScriptedServer {
  url: string;
  /** Upgrades accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * Starts a server on a free port; `codes[i]` is the close code for the i-th
 * connection (the last one repeats).
 */
export async function startScriptedServer(codes: number[]): Promise<ScriptedServer> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  let count = 0;
  wss.on("connection", (ws) => {
    const code = codes[Math.min(count, codes.length - 1)] ?? 1000;
    count += 1;
    const welcome: WelcomeFrame = {
      type: "welcome",
      clientId: `conn-${count}`,
      user: { id: "u1", name: "Una" },
      room: "scripted",
      seq: 0,
      presence: [{ id: "u1", name: "Una" }],
      history: [],
      hasMore: false,
      resumed: false,
      settings: { slowModeMs: 0 },
      canModerate: false,
    };
    ws.send(JSON.stringify(welcome));
    ws.close(code, `scripted ${code}`);
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
