/**
 * The options of a {@link RoomcastClient} (and, without `room`, of an inbox client) and their defaults.
 */
import { DEFAULT_RECONNECT, type ReconnectOptions } from "./backoff";
import { DEFAULT_HEARTBEAT, type HeartbeatOptions } from "./heartbeat";
import { DEFAULT_PACING, type PacingOptions } from "./outbox-sender";
import type { OutboxPersistence } from "./outbox-store";
import type { FetchLike } from "./refusal-probe";
import { systemTiming, type Timing } from "./timing";
import type { TokenTransport, WebSocketConstructor } from "./transport";
import { DEFAULT_TYPING, type TypingOptions } from "./typing";

/** Why the client asks the token provider for a token. */
export type TokenRequestReason =
  /** The first connection. */
  | "initial"
  /** A reconnect after a drop: return a cached token if it is still valid. */
  | "reconnect"
  /** The server closed with 4001: the last token expired; return a new one. */
  | "expired"
  /** The upgrade was refused with 401: the last token is not accepted; return a new one. */
  | "refused"
  /** The token expires soon; it will be renewed on the open socket (`auth`): return a new one. */
  | "refresh";

/** Returns a token, possibly fetching a fresh one. */
export type TokenProvider = (reason: TokenRequestReason) => string | Promise<string>;

/** Everything a client can be configured with; only `url`, `room` and `token` are required. */
export interface ClientOptions {
  /** The worker's base URL: `https://…`, `wss://…`, or relative (`/`) in a browser. */
  url: string;
  /** The room to join (`^[A-Za-z0-9_-]{1,100}$`). One client object is one room. */
  room: string;
  /** A token, or a provider called before every connection attempt. */
  token: string | TokenProvider;
  /** How the token travels. Default `auto`: the header in Node, the subprotocol in browsers. */
  transport?: TokenTransport;
  /** Reconnect backoff; see {@link ReconnectOptions}. */
  reconnect?: Partial<ReconnectOptions>;
  /** Heartbeat; `false` disables it (not recommended: dead sockets go unnoticed). */
  heartbeat?: Partial<HeartbeatOptions> | false;
  /** Outgoing and incoming typing timings. */
  typing?: Partial<TypingOptions>;
  /** How sends are paced (messages in flight, the longest `rate_limited` wait kept in the outbox). */
  pacing?: Partial<PacingOptions>;
  /**
   * Keep the outbox in storage (e.g. `{ storage: localStorage, user: sub }`), so
   * unsent messages survive a room switch or a reload and are sent again with
   * their `cid` by the next client for the same room (or inbox) and user.
   */
  persistOutbox?: OutboxPersistence;
  /** From the upgrade to the welcome. Default 10000 ms. */
  connectTimeoutMs?: number;
  /** How long a `history` request may take. Default 10000 ms. */
  requestTimeoutMs?: number;
  /**
   * Probe the history endpoint after an upgrade fails, to tell a 401/403
   * refusal (stop) from an outage (retry). Default true. See docs/client.md.
   */
  probeRefusals?: boolean;
  /**
   * Renew the token on the open socket (`auth`) this long before it expires,
   * asking the token provider with reason `refresh`. Default 60000 ms (or at
   * 90 % of a shorter lifetime). `false` turns it off; a static token string
   * cannot be renewed, so it is off for those.
   */
  tokenRefresh?: { beforeExpiryMs: number } | false;
  /** Resume from this seq on the first connection (messages up to it are not delivered). */
  since?: number;
  /** Clock, timers and randomness (tests inject fakes). */
  timing?: Partial<Timing>;
  /** WebSocket implementation. Default: the global `WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /** `fetch` for the refusal probe. Default: the global `fetch`. */
  fetch?: FetchLike;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  url: string;
  token: TokenProvider;
  tokenIsStatic: boolean;
  transport: TokenTransport;
  reconnect: ReconnectOptions;
  heartbeat: HeartbeatOptions | false;
  typing: TypingOptions;
  pacing: PacingOptions;
  persistOutbox: OutboxPersistence | undefined;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  probeRefusals: boolean;
  tokenRefresh: { beforeExpiryMs: number } | false;
  since: number | undefined;
  timing: Timing;
  WebSocket: WebSocketConstructor;
  fetch: FetchLike | undefined;
}

/** Fills in defaults. */
export function resolveOptions(options: Omit<ClientOptions, "room">): ResolvedOptions {
  const token = options.token;
  const WebSocketImpl = options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
  if (!WebSocketImpl) throw new TypeError("no WebSocket implementation: pass options.WebSocket");
  return {
    url: options.url,
    token: typeof token === "string" ? () => token : token,
    tokenIsStatic: typeof token === "string",
    transport: options.transport ?? "auto",
    reconnect: { ...DEFAULT_RECONNECT, ...options.reconnect },
    heartbeat: options.heartbeat === false ? false : { ...DEFAULT_HEARTBEAT, ...options.heartbeat },
    typing: { ...DEFAULT_TYPING, ...options.typing },
    pacing: { ...DEFAULT_PACING, ...options.pacing },
    persistOutbox: options.persistOutbox,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    probeRefusals: options.probeRefusals ?? true,
    tokenRefresh: options.tokenRefresh ?? { beforeExpiryMs: 60_000 },
    since: options.since,
    timing: resolveTiming(options.timing),
    WebSocket: WebSocketImpl,
    fetch: options.fetch ?? (globalThis.fetch?.bind(globalThis) as FetchLike | undefined),
  };
}

/** Each missing member from the system; given ones bound to their object (a class instance works). */
function resolveTiming(t: Partial<Timing> = {}): Timing {
  return {
    now: t.now?.bind(t) ?? systemTiming.now,
    random: t.random?.bind(t) ?? systemTiming.random,
    setTimeout: t.setTimeout?.bind(t) ?? systemTiming.setTimeout,
    clearTimeout: t.clearTimeout?.bind(t) ?? systemTiming.clearTimeout,
  };
}
