/**
 * Records what a client emits, and waits for events with a timeout (never a
 * fixed sleep): `await rec.state("open")` resolves at once if the client is
 * already open, else at the next matching state, or fails after the timeout.
 */
import type {
  CloseKind,
  ConnectionState,
  OutboxEntry,
  ResumeInfo,
  RoomcastClient,
  RoomMessageFrame,
} from "../../src/client";

type StateOf<S extends ConnectionState["status"]> = Extract<ConnectionState, { status: S }>;

/** Everything one client emitted, in order. */
export class Recorder {
  readonly messages: RoomMessageFrame[] = [];
  readonly states: ConnectionState[] = [];
  readonly resumes: ResumeInfo[] = [];
  readonly outboxes: OutboxEntry[][] = [];

  constructor(readonly client: RoomcastClient) {
    client.on("message", (m) => this.messages.push(m));
    client.on("state", (s) => this.states.push(s));
    client.on("resume", (r) => this.resumes.push(r));
    client.on("outbox", (o) => this.outboxes.push(o));
  }

  /** Contents of the messages delivered so far. */
  contents(): string[] {
    return this.messages.map((m) => m.content);
  }

  /** The delays of every `reconnecting` state so far. */
  delays(): number[] {
    return this.states.flatMap((s) => (s.status === "reconnecting" ? [s.delayMs] : []));
  }

  /** Waits until the client's state has `status` (now or next). */
  state<S extends ConnectionState["status"]>(status: S, timeoutMs = 10_000): Promise<StateOf<S>> {
    return this.until(
      () => (this.client.state.status === status ? (this.client.state as StateOf<S>) : undefined),
      `state ${status}`,
      timeoutMs,
    );
  }

  /** Waits for a `closed` state and returns its kind. */
  async closedKind(timeoutMs = 10_000): Promise<CloseKind> {
    return (await this.state("closed", timeoutMs)).reason.kind;
  }

  /** Waits until `check` returns something other than undefined, re-checking after every event. */
  until<T>(check: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const offs = (["state", "frame", "message", "outbox", "resume", "presence", "typing"] as const).map(
        (event) =>
          this.client.on(event, () => {
            const value = check();
            if (value === undefined) return;
            done();
            resolve(value);
          }),
      );
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; states: ${this.summary()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        for (const off of offs) off();
      };
    });
  }

  /** Waits until `count` messages have been delivered. */
  messageCount(count: number, timeoutMs = 10_000): Promise<RoomMessageFrame[]> {
    return this.until(
      () => (this.messages.length >= count ? this.messages : undefined),
      `${count} messages (have ${this.messages.length})`,
      timeoutMs,
    );
  }

  summary(): string {
    return this.states
      .map((s) =>
        s.status === "reconnecting" || s.status === "closed" ? `${s.status}(${s.reason.kind})` : s.status,
      )
      .join(" → ");
  }
}
