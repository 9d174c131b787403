/**
 * Typed configuration read from wrangler vars. Every limit is a var (see
 * wrangler.toml); nothing here is a hidden constant. A malformed var is a
 * configuration error (HTTP 503), never a silent default.
 */

import { parseWebhookSecret } from "./webhooks/secret";

/** Limits and policies, parsed from vars. */
export interface Config {
  devAuth: boolean;
  /** Log one line per room-object construction (a debugging aid the benchmark uses). */
  logRoomWakeups: boolean;
  allowedOrigins: string[];
  maxMessageBytes: number;
  maxContentChars: number;
  rateLimitPerMinute: number;
  rateLimitStrikes: number;
  /** Typing indicators per (room, user) per minute that do not spend the message budget. */
  typingRatePerMinute: number;
  /** Messages per service token per room per minute over `POST /v1/rooms/:room/messages`. */
  serviceRatePerMinute: number;
  idleTimeoutMs: number;
  historyLimit: number;
  historyOnJoin: number;
  inboxHistoryLimit: number;
  inboxConversationsOnJoin: number;
  jwtMaxTtlSeconds: number;
  presenceBatchAbove: number;
  presenceBatchMs: number;
  /** Largest file a client may upload or send in a frame, in bytes. */
  maxFileBytes: number;
  /** Media types (lower case, no parameters) that may be uploaded. */
  allowedFileTypes: string[];
  /** Uploads per (room, user) per minute. */
  uploadsPerMinute: number;
  /** Bytes of files one room may keep. */
  roomFileQuotaBytes: number;
  /** How long a signed download link stays valid. */
  fileUrlTtlSeconds: number;
  /** How long an unclean drop withholds `user_left` (0 = announce at once). */
  presenceGraceMs: number;
  /** Longest ban or mute a moderator may set. */
  moderationMaxDurationMs: number;
  /** Longest slow-mode interval. */
  slowModeMaxMs: number;
  /** Moderation actions kept per room (the audit log is trimmed to this). */
  moderationLogLimit: number;
  /** Upgrades and API calls per client IP in any 60 s window (the next one gets 429). */
  connectRatePerMinute: number;
  /** Upgrades and API calls per user in any 60 s window, checked for busy addresses (user-connect-budget.ts). */
  userConnectRatePerMinute: number;
  /** Lower-cased substrings of refused user agents; empty = agent policy off. */
  blockedUserAgents: string[];
  /** Invalid frames on one connection that make one strike. */
  invalidFrameStrikeAfter: number;
  /** Refused tokens from one IP within a minute that make one strike. */
  tokenFailureStrikeAfter: number;
  /** Strikes within `strikeWindowMs` that block an IP. */
  blockAfterStrikes: number;
  strikeWindowMs: number;
  /** How long a block made from strikes (or by an admin without `ttlMs`) lasts. */
  blockTtlMs: number;
  contentPolicy: ContentPolicyMode;
  /** Guard objects the IPs are spread over (by hash). */
  guardShards: number;
  /** Rooms, inboxes and the worker report their counters at most this often (ms). */
  statsFlushMs: number;
  /** Room event webhooks (`EVENT_WEBHOOK_URL`); undefined when off. */
  eventWebhook: EventWebhookConfig | undefined;
  /** Alert above this many open connections. */
  alertMaxConnections: number;
  /** Alert above this error rate (0..1) over 5 minutes. */
  alertMaxErrorRate: number;
  /** Alert above this ack latency p95 (ms) over 5 minutes. */
  alertMaxLatencyMs: number;
  /** Where alerts are POSTed; empty = recorded only. */
  alertWebhookUrl: string;
  /** First retry of a failed alert webhook after this long (ms), doubling after. */
  alertRetryMs: number;
  /** The pre-publish hook (`PUBLISH_HOOK_URL`); undefined when off. */
  publishHook: PublishHookConfig | undefined;
}

/** Where and how room events are delivered (docs/webhooks.md). */
export interface EventWebhookConfig {
  url: string;
  /** `whsec_<base64>` (checked when the config is read). */
  secret: string;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  /** Pending events a room keeps before dropping the oldest. */
  queueLimit: number;
  /** `private_message.created` carries the content (`EVENT_WEBHOOK_PRIVATE_CONTENT="true"`); else metadata only. */
  privateContent: boolean;
}

/** The pre-publish hook (docs/webhooks.md). */
export interface PublishHookConfig {
  url: string;
  secret: string;
  timeoutMs: number;
  /** What a timeout or a broken answer means: store as sent, or refuse. */
  failure: "allow" | "reject";
}

/** What the room does with content that matches the content policy's patterns. */
export type ContentPolicyMode = "off" | "flag" | "reject";

/** Thrown when a var is missing or malformed; the worker answers 503. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

type VarSource = Partial<Record<string, unknown>>;

function positiveInt(vars: VarSource, key: string, fallback: number): number {
  const raw = vars[key];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new ConfigError(`${key} must be a positive integer`);
  }
  return n;
}

const DEFAULT_FILE_TYPES =
  "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,application/zip";

function nonNegativeInt(vars: VarSource, key: string, fallback: number): number {
  const raw = vars[key];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ConfigError(`${key} must be a non-negative integer`);
  }
  return n;
}

/** A number in (0, 1]. */
function share(vars: VarSource, key: string, fallback: number): number {
  const raw = vars[key];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 1)
    throw new ConfigError(`${key} must be a number above 0 and at most 1`);
  return n;
}

/** An http(s) URL, or empty. */
function webhookUrl(vars: VarSource, key: string): string {
  const raw = String(vars[key] ?? "").trim();
  if (raw === "") return "";
  if (!/^https?:\/\//.test(raw) || !URL.canParse(raw)) throw new ConfigError(`${key} must be an http(s) URL`);
  return raw;
}

function contentPolicy(vars: VarSource): ContentPolicyMode {
  const raw = vars.CONTENT_POLICY;
  if (raw === undefined || raw === "") return "flag";
  if (raw === "off" || raw === "flag" || raw === "reject") return raw;
  throw new ConfigError("CONTENT_POLICY must be off, flag or reject");
}

/** A comma-separated list, trimmed, empty entries dropped. */
function list(raw: unknown): string[] {
  return String(raw ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter((o) => o.length > 0);
}

const DEFAULT_BLOCKED_USER_AGENTS = "bot,crawler,spider,scanner";

/** An absolute http(s) URL, or a ConfigError naming `key`. */
function httpUrl(vars: VarSource, key: string): string {
  const raw = String(vars[key]);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${key} must be an absolute http(s) URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(`${key} must be an absolute http(s) URL`);
  }
  return raw;
}

/** A `whsec_` secret, or a ConfigError naming `key` (never quoting the secret). */
function webhookSecret(vars: VarSource, key: string, needed: string): string {
  const raw = vars[key];
  if (raw === undefined || raw === "") throw new ConfigError(`${key} is required when ${needed} is set`);
  try {
    parseWebhookSecret(String(raw));
  } catch (err) {
    throw new ConfigError(`${key}: ${err instanceof Error ? err.message : "malformed"}`);
  }
  return String(raw);
}

function eventWebhook(vars: VarSource): EventWebhookConfig | undefined {
  if (vars.EVENT_WEBHOOK_URL === undefined || vars.EVENT_WEBHOOK_URL === "") return undefined;
  return {
    url: httpUrl(vars, "EVENT_WEBHOOK_URL"),
    secret: webhookSecret(vars, "EVENT_WEBHOOK_SECRET", "EVENT_WEBHOOK_URL"),
    timeoutMs: positiveInt(vars, "EVENT_WEBHOOK_TIMEOUT_MS", 5000),
    maxAttempts: positiveInt(vars, "EVENT_WEBHOOK_MAX_ATTEMPTS", 8),
    retryBaseMs: positiveInt(vars, "EVENT_WEBHOOK_RETRY_MS", 1000),
    queueLimit: positiveInt(vars, "EVENT_WEBHOOK_QUEUE_LIMIT", 1000),
    privateContent: vars.EVENT_WEBHOOK_PRIVATE_CONTENT === "true",
  };
}

function publishHook(vars: VarSource): PublishHookConfig | undefined {
  if (vars.PUBLISH_HOOK_URL === undefined || vars.PUBLISH_HOOK_URL === "") return undefined;
  const failure = vars.PUBLISH_HOOK_FAILURE ?? "reject";
  if (failure !== "allow" && failure !== "reject" && failure !== "") {
    throw new ConfigError("PUBLISH_HOOK_FAILURE must be allow or reject");
  }
  return {
    url: httpUrl(vars, "PUBLISH_HOOK_URL"),
    secret: webhookSecret(vars, "PUBLISH_HOOK_SECRET", "PUBLISH_HOOK_URL"),
    timeoutMs: positiveInt(vars, "PUBLISH_HOOK_TIMEOUT_MS", 2000),
    failure: failure === "allow" ? "allow" : "reject",
  };
}

const cache = new WeakMap<object, Config>();

/**
 * Reads the configuration from the worker's (or object's) env, once per env object.
 * @example const { maxMessageBytes } = readConfig(env);
 */
export function readConfig(env: object): Config {
  const hit = cache.get(env);
  if (hit) return hit;
  const vars = env as VarSource;
  const config: Config = {
    devAuth: vars.DEV_AUTH === "true",
    logRoomWakeups: vars.LOG_ROOM_WAKEUPS === "true",
    allowedOrigins: list(vars.ALLOWED_ORIGINS),
    maxMessageBytes: positiveInt(vars, "MAX_MESSAGE_BYTES", 65536),
    maxContentChars: positiveInt(vars, "MAX_CONTENT_CHARS", 10000),
    rateLimitPerMinute: positiveInt(vars, "RATE_LIMIT_PER_MINUTE", 100),
    rateLimitStrikes: positiveInt(vars, "RATE_LIMIT_STRIKES", 5),
    typingRatePerMinute: positiveInt(vars, "TYPING_RATE_PER_MINUTE", 60),
    serviceRatePerMinute: positiveInt(vars, "SERVICE_RATE_PER_MINUTE", 600),
    idleTimeoutMs: positiveInt(vars, "IDLE_TIMEOUT_MS", 60000),
    historyLimit: positiveInt(vars, "HISTORY_LIMIT", 1000),
    historyOnJoin: positiveInt(vars, "HISTORY_ON_JOIN", 50),
    inboxHistoryLimit: positiveInt(vars, "INBOX_HISTORY_LIMIT", 10000),
    inboxConversationsOnJoin: positiveInt(vars, "INBOX_CONVERSATIONS_ON_JOIN", 100),
    jwtMaxTtlSeconds: positiveInt(vars, "JWT_MAX_TTL_SECONDS", 86400),
    presenceBatchAbove: positiveInt(vars, "PRESENCE_BATCH_ABOVE", 100),
    presenceBatchMs: positiveInt(vars, "PRESENCE_BATCH_MS", 1000),
    maxFileBytes: positiveInt(vars, "MAX_FILE_BYTES", 10 * 1024 * 1024),
    allowedFileTypes: String(vars.ALLOWED_FILE_TYPES ?? DEFAULT_FILE_TYPES)
      .split(",")
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t.length > 0),
    uploadsPerMinute: positiveInt(vars, "UPLOADS_PER_MINUTE", 10),
    roomFileQuotaBytes: positiveInt(vars, "ROOM_FILE_QUOTA_BYTES", 1024 * 1024 * 1024),
    fileUrlTtlSeconds: positiveInt(vars, "FILE_URL_TTL_SECONDS", 3600),
    presenceGraceMs: nonNegativeInt(vars, "PRESENCE_GRACE_MS", 5000),
    moderationMaxDurationMs: positiveInt(vars, "MODERATION_MAX_DURATION_MS", 31_536_000_000),
    slowModeMaxMs: positiveInt(vars, "SLOW_MODE_MAX_MS", 3_600_000),
    moderationLogLimit: positiveInt(vars, "MODERATION_LOG_LIMIT", 1000),
    connectRatePerMinute: positiveInt(vars, "CONNECT_RATE_PER_MINUTE", 600),
    userConnectRatePerMinute: positiveInt(vars, "USER_CONNECT_RATE_PER_MINUTE", 120),
    // Unset means the default list; set but empty turns the policy off.
    blockedUserAgents: list(vars.BLOCKED_USER_AGENTS ?? DEFAULT_BLOCKED_USER_AGENTS).map((a) =>
      a.toLowerCase(),
    ),
    invalidFrameStrikeAfter: positiveInt(vars, "INVALID_FRAME_STRIKE_AFTER", 20),
    tokenFailureStrikeAfter: positiveInt(vars, "TOKEN_FAILURE_STRIKE_AFTER", 10),
    blockAfterStrikes: positiveInt(vars, "BLOCK_AFTER_STRIKES", 5),
    strikeWindowMs: positiveInt(vars, "STRIKE_WINDOW_MS", 3_600_000),
    blockTtlMs: positiveInt(vars, "BLOCK_TTL_MS", 86_400_000),
    contentPolicy: contentPolicy(vars),
    guardShards: positiveInt(vars, "GUARD_SHARDS", 16),
    statsFlushMs: nonNegativeInt(vars, "STATS_FLUSH_MS", 10_000),
    eventWebhook: eventWebhook(vars),
    alertMaxConnections: positiveInt(vars, "ALERT_MAX_CONNECTIONS", 10_000),
    alertMaxErrorRate: share(vars, "ALERT_MAX_ERROR_RATE", 0.05),
    alertMaxLatencyMs: positiveInt(vars, "ALERT_MAX_LATENCY_MS", 1000),
    alertWebhookUrl: webhookUrl(vars, "ALERT_WEBHOOK_URL"),
    alertRetryMs: positiveInt(vars, "ALERT_RETRY_MS", 30_000),
    publishHook: publishHook(vars),
  };
  cache.set(env, config);
  return config;
}
