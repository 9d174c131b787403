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
import type {
  AckFrame,
  BanList,
  FileShareFrame,
  HistoryFrame,
  MessageDeletedFrame,
  ModerationFrame,
  MuteList,
  RoomSettings,
  ServerFrame,
  SharedFile,
  UserRef,
  WelcomeFrame,
} from "../protocol/frames";
import type { HistoryRequest } from "../protocol/requests";
import { isValidRoomName } from "../protocol/room-name";
import { RoomcastError } from "./errors";
import type { ClientEvents, UploadProgress } from "./events";
import { asBlob, type FileData, upload } from "./file-upload";
import { newCid } from "./ids";
import { LinkedClient } from "./linked-client";
import { readModeratorList } from "./moderator-reads";
import type { ClientOptions } from "./options";
import { roomProbeUrl } from "./refusal-probe";
import { RoomSession } from "./room-session";
import { outboxStoreFor } from "./stream-session";
import { httpBase, roomSocketUrl, socketBase, withSlash } from "./transport";

/** Options of {@link RoomcastClient.sendFile}. */
export interface SendFileOptions {
  /** The file name shown to others (default: a `File`'s own name, else `file`); the server cleans it. */
  name?: string;
  /** Media type (default: the Blob's `type`); must be one the server allows. */
  type?: string;
  /** Client id: retrying with the same `cid` never stores the file twice. */
  cid?: string;
  /** Called as the body is sent (also emitted as `upload_progress`). */
  onProgress?: (progress: UploadProgress) => void;
  /** Aborts the upload (rejects with `upload_failed`). */
  signal?: AbortSignal;
}

/** Options of `ban` and `mute`. */
export interface RestrictOptions {
  /** How long, in ms; omitted = permanent. */
  durationMs?: number;
  /** Shown to the room (and the target) in the `moderation` frame. */
  reason?: string;
}

/** A moderation frame a client sends (its `cid` is added per call), but `delete_message`. */
type ModerationRequest =
  | ({ type: "kick" | "ban" | "mute" | "unmute" | "unban"; userId: string } & RestrictOptions)
  | { type: "slow_mode"; intervalMs: number };

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
      (resolved, events, restart, end) =>
        new RoomSession(resolved, events, restart, end, outboxStoreFor(resolved, `room:${room}`)),
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
    // The message itself ends our typing indicator for the others.
    this.session.typingOut.sent();
    return this.queue(content, options);
  }

  /**
   * Uploads a file (a browser `File` or `Blob`, or bytes) to the room over HTTP and
   * resolves with the stored `file_share` — the frame every socket in the room gets
   * too (this client's `file` event included, once connected). Progress comes as
   * `upload_progress` events and `options.onProgress`. Rejects with a
   * {@link RoomcastError}: the server's code (`file_too_large`, `unsupported_type`,
   * `quota_exceeded`, `rate_limited` with `retryAfterMs`, …), `upload_failed` when
   * no answer came (retry with the same `cid`: it is never stored twice), or
   * `invalid_argument`.
   * @example
   * const share = await client.sendFile(input.files[0], { onProgress: (p) => bar.value = p.loaded / p.total });
   * img.src = client.fileUrl(share.file);
   */
  async sendFile(data: FileData, options: SendFileOptions = {}): Promise<FileShareFrame> {
    const own = data instanceof Blob ? data : undefined;
    const ownName = (own as { name?: unknown } | undefined)?.name;
    const name = options.name ?? (typeof ownName === "string" && ownName ? ownName : "file");
    const type = options.type ?? own?.type ?? "";
    if (!type) throw new RoomcastError("invalid_argument", "give the file's media type (options.type)");
    const cid = options.cid ?? newCid();
    const url = new URL(`v1/rooms/${encodeURIComponent(this.room)}/files`, withSlash(this.#httpBase()));
    url.searchParams.set("cid", cid);
    return this.whileOpen(async () =>
      upload({
        url: url.toString(),
        token: await this.options.token("reconnect"),
        body: asBlob(data, type),
        name,
        type,
        signal: options.signal,
        onProgress: (loaded, total) => {
          const progress: UploadProgress = { cid, name, loaded, total };
          options.onProgress?.(progress);
          this.events.emit("upload_progress", progress);
        },
      }),
    );
  }

  /**
   * The absolute URL of a shared file's signed link (links in frames are relative
   * to the service and expire: use the one from the latest frame or page).
   * @example img.src = client.fileUrl(share.file);
   */
  fileUrl(file: SharedFile): string {
    return new URL(file.url, this.#httpBase()).toString();
  }

  #httpBase(): URL {
    return httpBase(socketBase(this.options.url));
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

  /** The room's settings (`slowModeMs`), kept current by `moderation` frames. */
  get settings(): RoomSettings {
    return this.session.settings;
  }
  /** Whether this connection may moderate the room (`welcome.canModerate`). */
  get canModerate(): boolean {
    return this.session.canModerate;
  }

  /**
   * Closes every socket of `userId` in this room with 4003 (they may come back).
   * Like every moderation call, resolves with the room's `moderation` frame for
   * it, or rejects with a {@link RoomcastError} carrying the server's code
   * (`forbidden`, `not_found`, `invalid_message`) or `closed` / `timeout`.
   * @example await client.kick("u9", { reason: "calm down" });
   */
  kick(userId: string, options: { reason?: string } = {}): Promise<ModerationFrame> {
    return this.#moderate({ type: "kick", userId, ...options });
  }
  /**
   * Kicks `userId` and refuses their upgrades until the ban ends (no `durationMs`: never).
   * @example await client.ban("u9", { durationMs: 3_600_000, reason: "spam" });
   */
  ban(userId: string, options: RestrictOptions = {}): Promise<ModerationFrame> {
    return this.#moderate({ type: "ban", userId, ...options });
  }
  /** Lifts a ban. */
  unban(userId: string): Promise<ModerationFrame> {
    return this.#moderate({ type: "unban", userId });
  }
  /** Refuses `userId`'s messages (`error forbidden`) until the mute ends (no `durationMs`: never). */
  mute(userId: string, options: RestrictOptions = {}): Promise<ModerationFrame> {
    return this.#moderate({ type: "mute", userId, ...options });
  }
  /** Lifts a mute. */
  unmute(userId: string): Promise<ModerationFrame> {
    return this.#moderate({ type: "unmute", userId });
  }
  /**
   * The room's active bans, soonest to end first (`GET /v1/rooms/:room/bans`;
   * moderators and admins only, no open socket needed). Rejects with a
   * {@link RoomcastError}: the server's code and HTTP `status` (`forbidden` 403
   * for a member), `timeout` or `request_failed`.
   * @example for (const ban of (await client.listBans()).bans) show(ban.user.name, ban.until);
   */
  async listBans(): Promise<BanList> {
    return readModeratorList(
      this.options.fetch,
      socketBase(this.options.url),
      this.room,
      "bans",
      await this.options.token("reconnect"),
      this.options.requestTimeoutMs,
    );
  }
  /** The room's active mutes, like {@link listBans} (`GET /v1/rooms/:room/mutes`). */
  async listMutes(): Promise<MuteList> {
    return readModeratorList(
      this.options.fetch,
      socketBase(this.options.url),
      this.room,
      "mutes",
      await this.options.token("reconnect"),
      this.options.requestTimeoutMs,
    );
  }
  /**
   * Non-moderators may send one message per `intervalMs` (0 turns slow mode off).
   * @example await client.setSlowMode(30_000);
   */
  setSlowMode(intervalMs: number): Promise<ModerationFrame> {
    return this.#moderate({ type: "slow_mode", intervalMs });
  }
  /**
   * Deletes the message (or file) with `seq`: your own, or anyone's as a
   * moderator. Resolves with the `message_deleted` frame.
   * @example await client.deleteMessage(42);
   */
  deleteMessage(seq: number): Promise<MessageDeletedFrame> {
    return this.whileOpen(() =>
      this.session.stream.request<MessageDeletedFrame>({ type: "delete_message", seq, cid: newCid() }),
    );
  }

  #moderate(frame: ModerationRequest): Promise<ModerationFrame> {
    return this.whileOpen(() => this.session.stream.request<ModerationFrame>({ ...frame, cid: newCid() }));
  }

  /** Leaves the room (`leave_room`; the room closes the socket with 1000, and no reconnect follows). */
  leave(): void {
    if (!this.session.stream.write({ type: "leave_room" })) this.close();
  }
}
