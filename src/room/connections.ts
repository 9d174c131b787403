/**
 * Views over the room's live sockets. The runtime keeps the sockets (and their
 * attachments) across hibernation, so presence is derived from them, never
 * kept in memory.
 */
import type { ServerFrame, UserRef } from "../protocol/frames";
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

/** Every user with a live connection, once per user (in no particular order). */
export function presenceOf(sockets: readonly WebSocket[]): UserRef[] {
  const seen = new Map<string, UserRef>();
  for (const { att } of liveConnections(sockets)) {
    if (!seen.has(att.user.id)) seen.set(att.user.id, att.user);
  }
  return [...seen.values()];
}

/**
 * The tag each socket is accepted with, so a user's sockets can be listed
 * without reading every attachment in the room (`ctx.getWebSockets(tag)`).
 * Tags are at most 256 characters; user ids are at most 200.
 */
export function userTag(userId: string): string {
  return `u:${userId}`;
}

/**
 * Tags for how a socket hears about presence: one frame per join/leave, or
 * batched `presence_diff` frames (opted in with `?presence=diff`).
 */
export const PresenceTag = { Each: "p:each", Diff: "p:diff" } as const;

/**
 * Whether a user has a live connection other than `except` (any live one when
 * `except` is omitted), given that user's sockets (`ctx.getWebSockets(userTag(id))`).
 */
export function hasOtherConnection(userSockets: readonly WebSocket[], except?: WebSocket): boolean {
  return liveConnections(userSockets).some(({ ws }) => ws !== except);
}

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
