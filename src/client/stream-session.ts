/**
 * The base of the room and inbox sessions: their {@link MessageStream}, the
 * user the last welcome named, and the `since` the link reads.
 */
import type { AckFrame, AuthOkFrame, ErrorFrame, PongFrame, UserRef } from "../protocol/frames";
import type { Emitter } from "./emitter";
import type { Sequenced, SequencedPage } from "./message-sequencer";
import { MessageStream, type StreamEmit } from "./message-stream";
import type { ResolvedOptions } from "./options";
import type { OutboxEntry } from "./outbox";
import { OutboxStore } from "./outbox-store";

/**
 * The outbox store for `scope` (`room:<name>` or `inbox`), when the options ask to persist the outbox.
 * @example outboxStoreFor(options, "room:general")
 */
export function outboxStoreFor(options: ResolvedOptions, scope: string): OutboxStore | undefined {
  return options.persistOutbox ? new OutboxStore(options.persistOutbox, scope) : undefined;
}

/** The shared half of a session. `E`: its events, `M`: its message frame, `P`: its history page. */
export abstract class StreamSession<
  E extends { pong: PongFrame; auth_ok: AuthOkFrame },
  M extends Sequenced,
  P extends SequencedPage<M> & { ref?: string | undefined },
> {
  readonly stream: MessageStream<M, P>;
  /** Set from each welcome. */
  protected currentUser: UserRef | undefined;

  constructor(
    options: ResolvedOptions,
    protected readonly events: Emitter<E>,
    restart: () => void,
    toFrame: (entry: OutboxEntry) => object,
    deliverOne?: (message: M) => void,
    store?: OutboxStore,
  ) {
    const emit = events.emit.bind(events) as (event: never, payload: never) => void;
    this.stream = new MessageStream<M, P>(
      options,
      emit as StreamEmit<M, P>,
      restart,
      toFrame,
      deliverOne,
      store,
    );
  }

  /** The `since` of the next upgrade: the last delivered seq, once anything was seen. */
  get since(): number | undefined {
    return this.stream.since;
  }

  /** Who the server says we are (after the first welcome). */
  get user(): UserRef | undefined {
    return this.currentUser;
  }

  /** The frames every session handles alike: `ack`, `error`, `pong` and `auth_ok`. */
  protected common(frame: AckFrame | ErrorFrame | PongFrame | AuthOkFrame): void {
    if (frame.type === "ack") this.stream.ack(frame);
    else if (frame.type === "error") this.stream.error(frame);
    else if (frame.type === "auth_ok") {
      this.stream.replies.resolve(frame.cid, frame);
      (this.events.emit as (event: "auth_ok", payload: AuthOkFrame) => void)("auth_ok", frame);
    } else (this.events.emit as (event: "pong", payload: PongFrame) => void)("pong", frame);
  }
}
