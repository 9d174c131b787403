/**
 * Views over the room's live sockets. The runtime keeps the sockets (and their
 * attachments) across hibernation; they are the source of truth for presence.
 */
import type { ServerFrame } from "../protocol/frames";
import { type ConnectionAttachment, readAttachment } from "./attachment";

// WebSocket.readyState for an open socket (the spec's OPEN).
const OPEN = 1;

/** A socket with its attachment. */
export interface Connection {
  ws: WebSocket;
  att: ConnectionAttachment;
}

/** The room's open sockets that have not been told to leave. */
export function liveConnections(sockets: readonly WebSocket[]): Connection[] {
  const live: Connection[] = [];
  for (const ws of sockets) {
    if (ws.readyState !== OPEN) continue;
    const att = readAttachment(ws);
    if (att && !att.left) live.push({ ws, att });
  }
  return live;
}

/**
 * Tags for how a socket hears about presence: one frame per join/leave, or
 * batched `presence_diff` frames (opted in with `?presence=diff`).
 */
export const PresenceTag = { Each: "p:each", Diff: "p:diff" } as const;

/**
 * Sends one frame; a socket that is already closing is skipped rather than
 * allowed to abort the handler that is sending.
 */
export function sendFrame(ws: WebSocket, frame: ServerFrame): void {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // Closed or closing: its close handler does the bookkeeping.
  }
}

/** Sends one frame to every open socket but `except`, serializing it once. */
export function broadcast(sockets: readonly WebSocket[], frame: ServerFrame, except?: WebSocket): void {
  const text = JSON.stringify(frame);
  for (const ws of sockets) {
    if (ws === except || ws.readyState !== OPEN) continue;
    try {
      ws.send(text);
    } catch {
      // As in sendFrame.
    }
  }
}
