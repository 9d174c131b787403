/**
 * Finds out why an upgrade failed. A browser's WebSocket reports a refused
 * upgrade (HTTP 401, 403, …) exactly like a network failure — an `error` and
 * a close with 1006 — and Node's reports only an `error`, so neither tells
 * "the server is down" (retry) from "your token is invalid" (stop). After an
 * upgrade fails before it opened, the client asks the matching history
 * endpoint (the room's, or the inbox's), which runs the same checks in the
 * same order (room name, origin, token, room permission), with the same token: a 400/401/403 there means the upgrade was
 * refused for that reason. Anything else (a network error, 5xx, 200 — e.g. a
 * 429 on connects) is treated as transient.
 */
import type { CloseInfo } from "./close-policy";
import { httpBase, withSlash } from "./transport";

/**
 * What the probe found: `refused` with the status (and, when the body says so,
 * its error code and a ban's `until`), or not (treat as transient).
 */
export type ProbeResult =
  | { refused: true; status: 400 | 401 | 403; error?: string; until?: number | null }
  | { refused: false };

/** A `fetch` the probe may use (the global one by default). */
export type FetchLike = (
  url: string,
  init: { headers: Record<string, string>; signal?: AbortSignal },
) => Promise<{
  status: number;
  /** The JSON body (optional: only used to say why, e.g. `banned` and until when). */
  json?: () => Promise<unknown>;
}>;

/**
 * `GET /v1/rooms/:room/messages?limit=1`: what probes a room upgrade.
 * @example roomProbeUrl(new URL("wss://chat.example.com"), "general")
 */
export function roomProbeUrl(base: URL, room: string): URL {
  const url = new URL(`v1/rooms/${encodeURIComponent(room)}/messages`, withSlash(httpBase(base)));
  url.searchParams.set("limit", "1");
  return url;
}

/**
 * `GET /v1/inbox/messages?with=probe&limit=1`: what probes an inbox upgrade
 * (any valid `with` answers 200 once the token is accepted).
 */
export function inboxProbeUrl(base: URL): URL {
  const url = new URL("v1/inbox/messages", withSlash(httpBase(base)));
  url.searchParams.set("with", "probe");
  url.searchParams.set("limit", "1");
  return url;
}

/**
 * Probes `url` (see {@link roomProbeUrl}, {@link inboxProbeUrl}) with the token.
 * @example if ((await probeRefusal(fetch, roomProbeUrl(base, "general"), token, 5000)).refused) stop();
 */
export async function probeRefusal(
  fetchImpl: FetchLike,
  url: URL,
  token: string,
  timeoutMs: number,
): Promise<ProbeResult> {
  try {
    const res = await fetchImpl(url.toString(), {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      return { refused: true, status: res.status, ...(await refusalBody(res)) };
    }
  } catch {
    // Unreachable, CORS-blocked or timed out: nothing learned.
  }
  return { refused: false };
}

/** The refusal body's `error` code and `until` (of a ban), when it has them. */
async function refusalBody(res: {
  json?: () => Promise<unknown>;
}): Promise<{ error?: string; until?: number | null }> {
  try {
    const body = (await res.json?.()) as { error?: unknown; until?: unknown } | undefined;
    return {
      ...(typeof body?.error === "string" ? { error: body.error } : {}),
      ...(typeof body?.until === "number" || body?.until === null ? { until: body.until } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * How a refused upgrade is reported: kind `refused` with the status, and the
 * body's error code and a ban's `until` when the probe read them.
 * @example refusalInfo(info, { refused: true, status: 403, error: "banned", until: null })
 */
export function refusalInfo(info: CloseInfo, probe: Extract<ProbeResult, { refused: true }>): CloseInfo {
  const { status, error, until } = probe;
  return {
    code: info.code,
    reason: `the upgrade was refused with HTTP ${status}${error ? ` ${error}` : ""}`,
    kind: "refused",
    status,
    ...(error !== undefined ? { error } : {}),
    ...(until !== undefined ? { until } : {}),
  };
}
