/**
 * The bare Durable Object ceiling: a worker that hands `GET /v1/rooms/:room/ws`
 * to one object per room, which accepts hibernatable sockets and re-sends every
 * frame, verbatim, to every socket (the sender's included). No auth, no
 * validation, no storage: Roomcast's overhead over this is the cost of its features.
 *
 * `?store=1` routes to {@link BareSqlRoom} instead, which inserts each frame into
 * SQLite before re-sending it, to measure what one storage write per message
 * (and the output gate that holds sends until it is durable) costs on its own.
 *
 * This file is type-checked with the Node config (tsconfig.node.json), so the
 * few workerd APIs it touches are declared locally instead of importing the
 * generated worker types.
 */

interface SqlStorage {
  exec(query: string, ...bindings: unknown[]): unknown;
}

interface HibernatableState {
  acceptWebSocket(ws: WebSocket): void;
  getWebSockets(): WebSocket[];
  setWebSocketAutoResponse(pair: unknown): void;
  storage: { sql: SqlStorage };
}

interface ObjectNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(req: Request): Promise<Response> };
}

interface Env {
  BARE: ObjectNamespace;
  BARE_SQL: ObjectNamespace;
}

declare const WebSocketPair: new () => { 0: WebSocket; 1: WebSocket };
declare const WebSocketRequestResponsePair: new (request: string, response: string) => unknown;

const ROOM_PATH = /^\/v1\/rooms\/([A-Za-z0-9_-]{1,100})\/ws$/;

/** One bare room: accept, re-send to all, nothing else. */
export class BareRoom {
  constructor(protected readonly state: HibernatableState) {
    // Counted by the bench (scenario f): one line per construction, i.e. per wake-up.
    console.log("bench:bare-room-wake");
    // Same heartbeat as Roomcast, answered by the runtime without waking the object.
    state.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  async fetch(): Promise<Response> {
    const pair = new WebSocketPair();
    this.state.acceptWebSocket(pair[1]);
    // A first frame, as Roomcast's welcome, so "connected" means the same on every target.
    pair[1].send('{"type":"welcome"}');
    return new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit);
  }

  webSocketMessage(_ws: WebSocket, message: string | ArrayBuffer): void {
    for (const socket of this.state.getWebSockets()) {
      try {
        socket.send(message);
      } catch {
        // Closing: nothing to do.
      }
    }
  }

  webSocketClose(ws: WebSocket, code: number): void {
    try {
      ws.close(code === 1005 || code === 1006 || code === 1015 ? 1000 : code);
    } catch {
      // Already closed.
    }
  }
}

/** {@link BareRoom} plus one SQLite insert per frame before it is re-sent. */
export class BareSqlRoom extends BareRoom {
  constructor(state: HibernatableState) {
    super(state);
    state.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS frames (seq INTEGER PRIMARY KEY, frame TEXT NOT NULL)",
    );
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    this.state.storage.sql.exec("INSERT INTO frames (frame) VALUES (?)", message);
    super.webSocketMessage(ws, message);
  }
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === "/health") return Response.json({ status: "ok", target: "bare-do" });
    const room = ROOM_PATH.exec(url.pathname)?.[1];
    if (!room || req.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("not found", { status: 404 });
    }
    const ns = url.searchParams.get("store") === "1" ? env.BARE_SQL : env.BARE;
    return ns.get(ns.idFromName(room)).fetch(req);
  },
};
