/**
 * RoomcastClient: one object per room. It keeps a socket to the room open
 * across drops (backoff with jitter, heartbeats, token refresh), resumes with
 * `since` so the application sees every message exactly once and in order, and
 * holds unacknowledged messages in an outbox that is retried with the same
 * `cid` after a reconnect. For several rooms, create several clients.
 *
 * The connection lifecycle, reconnect policy and the methods every client has
 * are {@link LinkedClient} (shared with the inbox client); the room's state (messages, presence,
 * outbox, history) lives in {@link RoomSession}; this file is the room's API.
 */
import type { AckFrame, HistoryFrame, ServerFrame, UserRef, WelcomeFrame } from "../protocol/frames";
import { isValidRoomName } from "../protocol/room-name";
import type { HistoryRequest } from "../protocol/schemas";
import { RoomcastError } from "./errors";
import type { ClientEvents } from "./events";
import { LinkedClient } from "./linked-client";
import type { ClientOptions } from "./options";
import { roomProbeUrl } from "./refusal-probe";
import { RoomSession } from "./room-session";
import { roomSocketUrl } from "./transport";

/**
 * A connection to one room.
 * @example
 * const client = new RoomcastClient({ url: "https://chat.example.com", room: "general", token });
 * client.on("message", (m) => console.log(`${m.from.name}: ${m.content}`));
 * client.on("state", (s) => console.log(s.status));
 * await client.connect();
 * await client.send("hello"); // resolves with the ack
 */
export class RoomcastClient extends LinkedClient<ClientEvents, WelcomeFrame, ServerFrame, RoomSession> {
  /** The room this client is for. */
  readonly room: string;

  constructor(options: ClientOptions) {
    if (!isValidRoomName(options.room)) {
      throw new RoomcastError("invalid_argument", "room names are 1-100 of A-Z a-z 0-9 _ -");
    }
    const room = options.room;
    super(
      options,
      (base) => ({
        socketUrl: (since, token) => roomSocketUrl(base, room, since, token),
        probeUrl: roomProbeUrl(base, room),
      }),
      (resolved, events, restart) => new RoomSession(resolved, events, restart),
    );
    this.room = room;
  }

  /** Everyone in the room, as of the last welcome and presence frames. */
  get presence(): UserRef[] {
    return this.session.presence.list();
  }
  /** Other users currently typing. */
  get typingUsers(): UserRef[] {
    return this.session.typingIn.users();
  }
  /**
   * Sends a message. It waits in the outbox while disconnected and is retried
   * with the same `cid` until acked. Resolves with the ack; rejects with a
   * {@link RoomcastError}: the server's code from an `error` frame with this
   * `cid` as `ref`, or `closed` when the client closes for good first.
   */
  send(content: string, options: { cid?: string } = {}): Promise<AckFrame> {
    return this.queue(content, options);
  }

  /** Loads the page before the oldest message seen (returned, not emitted as `message`). */
  async loadOlder(limit = 50): Promise<HistoryFrame> {
    const sequencer = this.session.stream.sequencer;
    const page = await this.history({ before: sequencer.oldestSeq ?? sequencer.lastSeq + 1, limit });
    sequencer.older(page.messages);
    return page;
  }

  /** Any `history` request; queued while disconnected. */
  history(query: HistoryRequest): Promise<HistoryFrame> {
    return this.whileOpen(() => this.session.history(query));
  }

  /** Call on every keystroke: sends throttled typing indicators, and `false` after a pause. */
  typing(): void {
    this.session.typingOut.keystroke();
  }
  /** The user stopped typing (sent or cleared the message). */
  stopTyping(): void {
    this.session.typingOut.stop();
  }

  /** Leaves the room (`leave_room`; the room closes the socket with 1000, and no reconnect follows). */
  leave(): void {
    if (!this.session.stream.write({ type: "leave_room" })) this.close();
  }
}
