/**
 * The plain Node `ws` baseline: the classic single-process chat server (what the
 * seed architecture runs per node). A map of rooms to sockets; each text frame
 * is JSON-parsed, stamped with a seq and sender, serialized once and sent to
 * every socket in the room, the sender's included. Nothing is stored, nobody is
 * authenticated. Started by bench/targets/ws-target.ts:
 *
 *   node bench/ws-server/server.ts --port 8790
 *
 * It prints `listening <port>` when ready and exits on SIGTERM/SIGINT.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { WebSocket, WebSocketServer } from "ws";

const { values } = parseArgs({ options: { port: { type: "string", default: "8790" } } });
const port = Number(values.port);
const ROOM_PATH = /^\/v1\/rooms\/([A-Za-z0-9_-]{1,100})\/ws$/;

interface Room {
  sockets: Set<WebSocket>;
  seq: number;
}

const rooms = new Map<string, Room>();
const server = new WebSocketServer({ host: "127.0.0.1", port, maxPayload: 65536 });

server.on("connection", (ws, req) => {
  const name = ROOM_PATH.exec(new URL(req.url ?? "/", "http://x").pathname)?.[1];
  if (!name) {
    ws.close(1008, "bad room");
    return;
  }
  let room = rooms.get(name);
  if (!room) {
    room = { sockets: new Set(), seq: 0 };
    rooms.set(name, room);
  }
  const joined = room;
  const user = randomUUID();
  joined.sockets.add(ws);
  ws.send(JSON.stringify({ type: "welcome", room: name, seq: joined.seq }));

  ws.on("message", (data, isBinary) => {
    if (isBinary) return;
    let frame: { type?: unknown; content?: unknown; cid?: unknown };
    try {
      frame = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (frame.type === "ping") {
      ws.send('{"type":"pong"}');
      return;
    }
    if (frame.type !== "room_message" || typeof frame.content !== "string") return;
    joined.seq += 1;
    const text = JSON.stringify({
      type: "room_message",
      seq: joined.seq,
      room: name,
      from: user,
      content: frame.content,
      timestamp: Date.now(),
      cid: frame.cid,
    });
    for (const peer of joined.sockets) {
      if (peer.readyState === WebSocket.OPEN) peer.send(text);
    }
  });
  ws.on("close", () => {
    joined.sockets.delete(ws);
    if (joined.sockets.size === 0) rooms.delete(name);
  });
  ws.on("error", () => ws.terminate());
});

server.on("listening", () => console.log(`listening ${port}`));
server.on("error", (err) => {
  console.error(err);
  process.exit(1);
});

function stop(): void {
  for (const ws of server.clients) ws.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
