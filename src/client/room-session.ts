/**
 * What a client knows about its room, fed by frames: the ordered message
 * stream, presence, typing, the outbox and history requests. It outlives
 * sockets — a reconnect hands it a new writer — which is what lets the outbox
 * and the `since` cursor survive drops. {@link RoomcastClient} owns the
 * sockets and the reconnect policy; this owns the room's state.
 */
import type {
  HistoryEntry,
  HistoryFrame,
  ModerationFrame,
  PresenceDiffFrame,
  RoomSettings,
  ServerFrame,
} from "../protocol/frames";
import type { HistoryRequest } from "../protocol/requests";
import { type CloseInfo, removalInfo } from "./close-policy";
import type { Emitter } from "./emitter";
import type { RoomcastError } from "./errors";
import type { ClientEvents } from "./events";
import type { FrameWriter } from "./message-stream";
import type { ResolvedOptions } from "./options";
import type { OutboxStore } from "./outbox-store";
import { Presence } from "./presence";
import { StreamSession } from "./stream-session";
import { IncomingTyping, OutgoingTyping } from "./typing";

export type { FrameWriter } from "./message-stream";

/**
 * The room's state across connections.
 * @example
 * const session = new RoomSession(options, events, () => conn.abandon(...));
 * ws.onmessage = (e) => session.frame(JSON.parse(e.data), (f) => conn.send(JSON.stringify(f)));
 */
export class RoomSession extends StreamSession<ClientEvents, HistoryEntry, HistoryFrame> {
  readonly presence = new Presence();
  readonly typingIn: IncomingTyping;
  readonly typingOut: OutgoingTyping;
  #settings: RoomSettings = { slowModeMs: 0 };
  #canModerate = false;

  constructor(
    options: ResolvedOptions,
    events: Emitter<ClientEvents>,
    /** A catch-up page was lost: the connection must be restarted to resume cleanly. */
    restart: () => void,
    /** Ends the client for good (we were kicked or banned). */
    private readonly end: (info: CloseInfo) => void = () => {},
    /** Where the outbox is kept across reloads, if anywhere. */
    store?: OutboxStore,
  ) {
    super(
      options,
      events,
      restart,
      (entry) => ({ type: "room_message", content: entry.content, cid: entry.cid }),
      // Messages and files are one seq-ordered stream, delivered as two events.
      (entry) => (entry.type === "file_share" ? events.emit("file", entry) : events.emit("message", entry)),
      store,
    );
    this.typingOut = new OutgoingTyping(options.timing, options.typing, (isTyping) =>
      this.stream.write({ type: "typing_indicator", isTyping }),
    );
    this.typingIn = new IncomingTyping(options.timing, options.typing, (users) =>
      events.emit("typing", users),
    );
  }

  /** The room's settings (slow mode), as of the welcome and later `moderation` frames. */
  get settings(): RoomSettings {
    return this.#settings;
  }

  /** Whether this connection may moderate (from the welcome; a token refresh may change it). */
  get canModerate(): boolean {
    return this.#canModerate;
  }

  /** The socket dropped: unacked messages go back to the queue, transient state is cleared. */
  detach(): void {
    this.typingOut.reset();
    this.typingIn.clear();
    this.stream.detach();
  }

  /** Closed for good: everything pending is rejected with `err`. */
  fail(err: RoomcastError): void {
    this.typingOut.reset();
    this.typingIn.clear();
    this.stream.fail(err);
    this.presence.clear();
    this.events.emit("presence", []);
  }

  /** Queues an application history request. */
  history(query: HistoryRequest): Promise<HistoryFrame> {
    return this.stream.history(query);
  }

  /** Handles one frame from the room. `write` is the writer of the socket it came on. */
  frame(frame: ServerFrame, write: FrameWriter): void {
    this.events.emit("frame", frame);
    switch (frame.type) {
      case "welcome":
        this.stream.welcome(frame, write, () => {
          this.currentUser = frame.user;
          this.#settings = frame.settings;
          this.#canModerate = frame.canModerate;
          this.presence.reset(frame.presence);
          this.events.emit("welcome", frame);
          this.events.emit("presence", this.presence.list());
        });
        break;
      case "room_message":
      case "file_share":
        // A message ends its author's typing (the SDK sends no `false` after a send).
        if (frame.from.id !== this.currentUser?.id) this.typingIn.update(frame.from, false);
        this.stream.live(frame);
        break;
      case "ack":
      case "error":
      case "pong":
      case "auth_ok":
        this.common(frame);
        break;
      case "moderation":
        this.#moderation(frame);
        break;
      case "message_deleted":
        this.stream.replies.resolve(frame.cid, frame);
        this.events.emit("message_deleted", frame);
        break;
      case "history":
        this.stream.page(frame);
        break;
      case "user_joined":
        if (this.presence.join(frame.user)) this.events.emit("presence", this.presence.list());
        this.events.emit("user_joined", frame);
        break;
      case "user_left":
        this.typingIn.update(frame.user, false);
        if (this.presence.leave(frame.user)) this.events.emit("presence", this.presence.list());
        this.events.emit("user_left", frame);
        break;
      case "presence_diff":
        this.#applyPresenceDiff(frame);
        break;
      case "typing_indicator":
        if (frame.user.id !== this.currentUser?.id) this.typingIn.update(frame.user, frame.isTyping);
        this.events.emit("typing_indicator", frame);
        break;
      case "room_joined":
        this.events.emit("room_joined", frame);
        break;
    }
  }

  /**
   * A batched presence change (large rooms): applied as set operations and
   * reported as the `user_joined` / `user_left` events a small room would give.
   */
  #applyPresenceDiff(frame: PresenceDiffFrame): void {
    let changed = false;
    for (const user of frame.joined) {
      if (!this.presence.join(user)) continue;
      changed = true;
      this.events.emit("user_joined", {
        type: "user_joined",
        room: frame.room,
        user,
        timestamp: frame.timestamp,
      });
    }
    for (const user of frame.left) {
      this.typingIn.update(user, false);
      if (!this.presence.leave(user)) continue;
      changed = true;
      this.events.emit("user_left", {
        type: "user_left",
        room: frame.room,
        user,
        timestamp: frame.timestamp,
      });
    }
    if (changed) this.events.emit("presence", this.presence.list());
  }

  /** A moderation action; a kick or ban of this user ends the client at once (the 4003 close can lag). */
  #moderation(frame: ModerationFrame): void {
    if (frame.action === "slow_mode" && frame.intervalMs !== undefined) {
      this.#settings = { ...this.#settings, slowModeMs: frame.intervalMs };
    }
    this.stream.replies.resolve(frame.cid, frame);
    this.events.emit("moderation", frame);
    const removed =
      (frame.action === "kick" || frame.action === "ban") && frame.target?.id === this.currentUser?.id;
    if (removed) this.end(removalInfo(frame));
  }
}
