/**
 * The room's history as its message paths write and read it: the message log
 * (src/hibernation/message-log.ts) plus what belongs to each entry. An append
 * stores the entry, whatever must commit with it (a file's row, the
 * `message.created` event) in the same transaction; deletes the objects of the
 * files it trimmed out (a file lives as long as its message); and counts the
 * message. A page signs the links of the files it carries.
 */
import type { Config } from "../config";
import type { RoomFiles } from "../files/room-files";
import type { Appended, LogEntry, MessageLog, MessagePage } from "../hibernation/message-log";
import type { HistoryEntry } from "../protocol/frames";
import type { HistoryRequest } from "../protocol/schemas";
import type { ObjectCounters } from "../stats/object-counters";
import type { RoomContext } from "./room-context";
import type { RoomEvents } from "./room-events";
import type { StoredEntry } from "./stored-entry";

/** One room's history writes and pages. */
export class RoomHistory implements Pick<RoomContext, "append" | "page"> {
  constructor(
    private readonly store: MessageLog<StoredEntry>,
    private readonly files: RoomFiles,
    private readonly events: RoomEvents | undefined,
    private readonly counters: Pick<ObjectCounters, "message">,
    private readonly config: Pick<Config, "historyLimit"> & { pageSize: number },
  ) {}

  /** See {@link RoomContext.append}. */
  append<T extends StoredEntry>(
    entry: LogEntry,
    now: number,
    build: (seq: number, timestamp: number) => T,
    extra?: (seq: number) => void,
  ): Appended<T, StoredEntry> {
    const events = this.events;
    const inTransaction = events
      ? (seq: number, stored: T) => {
          extra?.(seq);
          // In the append's transaction: the event is stored iff the message is.
          events.messageCreated(stored, now);
        }
      : extra;
    const appended = this.store.append(entry, now, build, inTransaction);
    // A retry stored nothing: nothing trimmed, nothing to count.
    if (appended.kind === "kept") return appended;
    this.files.trimmedTo(appended.frame.seq - this.config.historyLimit + 1);
    this.counters.message(appended.frame.type === "file_share" ? "file" : "room");
    return appended;
  }

  /** See {@link RoomContext.page}. */
  page(req: HistoryRequest, now: number): MessagePage<HistoryEntry> {
    const page = this.store.page(req, this.config.pageSize);
    return { messages: page.messages.map((entry) => this.files.link(entry, now)), hasMore: page.hasMore };
  }
}
