/**
 * Views over an object's live sockets and the two ways of sending to them. The
 * runtime keeps the sockets (and their attachments) across hibernation; they
 * are the source of truth for who is connected.
 */
import type { AnyServerFrame } from "../protocol/frames";
import { tallySent } from "../stats/frame-tally";
import { readAttachment, type SocketAttachment } from "./attachment";

// WebSocket.readyState for an open socket (the spec's OPEN).
const OPEN = 1;

/** A socket with its attachment. */
export interface Connection<A extends SocketAttachment = SocketAttachment> {
  ws: WebSocket;
  att: A;
}

/** The open sockets that have not been told to leave. */
export function liveConnections<A extends SocketAttachment = SocketAttachment>(
  sockets: readonly WebSocket[],
): Connection<A>[] {
  const live: Connection<A>[] = [];
  for (const ws of sockets) {
    if (ws.readyState !== OPEN) continue;
    const att = readAttachment<A>(ws);
    if (att && !att.left) live.push({ ws, att });
  }
  return live;
}

/**
 * Sends one frame; a socket that is already closing is skipped rather than
 * allowed to abort the handler that is sending.
 */
export function sendFrame(ws: WebSocket, frame: AnyServerFrame): void {
  try {
    ws.send(JSON.stringify(frame));
    tallySent(frame, 1);
  } catch {
    // Closed or closing: its close handler does the bookkeeping.
  }
}

/**
 * Sends a frame already serialized (a welcome assembled from cached parts);
 * like {@link sendFrame}, a closing socket is skipped.
 */
export function sendText(ws: WebSocket, text: string): void {
  try {
    ws.send(text);
  } catch {
    // Closed or closing: its close handler does the bookkeeping.
  }
}

/** Sends one frame to every open socket but `except`, serializing it once. */
export function broadcast(sockets: readonly WebSocket[], frame: AnyServerFrame, except?: WebSocket): void {
  const text = JSON.stringify(frame);
  let sent = 0;
  for (const ws of sockets) {
    if (ws === except || ws.readyState !== OPEN) continue;
    try {
      ws.send(text);
      sent += 1;
    } catch {
      // As in sendFrame.
    }
  }
  tallySent(frame, sent);
}
