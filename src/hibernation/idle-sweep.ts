/**
 * The idle sweep's arithmetic, kept apart from the alarm handler so it can be
 * read (and tested) on its own. Activity is the later of the last frame the
 * object handled and the last ping the runtime auto-answered while it slept.
 */
import type { Config } from "../config";
import { CloseCode } from "../protocol/codes";
import type { SocketAttachment } from "./attachment";

/** What the sweep does with one connection. */
export type SweepVerdict =
  | { close: true; code: CloseCode; reason: string }
  | { close: false; deadline: number };

/** The sweep never re-arms sooner than this, so a burst of deadlines is one wake-up. */
export const MIN_SWEEP_INTERVAL_MS = 1000;

/**
 * Decides whether a connection is idle or its token expired, and if not, when
 * it next could be.
 */
export function sweepVerdict(
  att: SocketAttachment,
  autoResponseAt: Date | null,
  now: number,
  config: Pick<Config, "idleTimeoutMs">,
): SweepVerdict {
  const lastActive = Math.max(att.lastActive, autoResponseAt?.getTime() ?? 0);
  const idleAt = lastActive + config.idleTimeoutMs;
  const expiresAt = att.exp * 1000;
  if (expiresAt <= now) return { close: true, code: CloseCode.TokenExpired, reason: "token expired" };
  if (idleAt <= now) return { close: true, code: CloseCode.GoingAway, reason: "idle timeout" };
  return { close: false, deadline: Math.min(idleAt, expiresAt) };
}

/** When to run the sweep next, or undefined when no connection is left. */
export function nextSweepAt(deadlines: readonly number[], now: number): number | undefined {
  if (deadlines.length === 0) return undefined;
  return Math.max(Math.min(...deadlines), now + MIN_SWEEP_INTERVAL_MS);
}
