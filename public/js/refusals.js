// What a refusal means to the user: the sentence for an SDK error or an error
// frame, whether trying again could ever work, and how a ban or a mute's end
// reads ("until 9 Dec 2026, 14:05", "permanently").

const untilFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * Refusals that the same request will meet again, however often it is retried:
 * not allowed (403: muted, banned, not a moderator), too large (413), a type
 * the server does not take (415), or refused as it is (400). No "Retry" for them.
 */
const FINAL_CODES = new Set([
  "forbidden",
  "banned",
  "too_large",
  "invalid_message",
  "file_too_large",
  "quota_exceeded",
  "unsupported_type",
  "invalid_file_name",
  "length_required",
  "length_mismatch",
]);
const FINAL_STATUSES = new Set([400, 403, 411, 413, 415]);

/**
 * @typedef {{ code?: string, message?: string, retryAfterMs?: number, reason?: string, until?: number | null, status?: number }} ErrorLike
 */

/**
 * An error's fields, when it is an object (a RoomcastError, an `error` frame).
 * @param {unknown} value
 * @returns {ErrorLike | undefined}
 */
function fieldsOf(value) {
  return typeof value === "object" && value !== null ? value : undefined;
}

/**
 * When a ban or a mute ends, as words: "until 9 Dec 2026, 14:05", or
 * "permanently" (null, or not known).
 * @param {number | null | undefined} until  ms since the epoch
 */
export function untilText(until) {
  return typeof until === "number" ? `until ${untilFormat.format(until)}` : "permanently";
}

/**
 * Human text for an SDK error (a RoomcastError), an `error` frame or anything
 * else a promise rejected with.
 * @param {unknown} value
 */
export function describeError(value) {
  const err = fieldsOf(value);
  switch (err?.code) {
    case "rate_limited": {
      const seconds = Math.max(1, Math.ceil((err.retryAfterMs ?? 1000) / 1000));
      return `You're sending too fast. Try again in ${seconds} s.`;
    }
    case "too_large":
      return "That message is too large to send.";
    case "invalid_message":
      return `The server refused that message: ${err.message}`;
    case "forbidden":
      // A mute says so, and until when (the server's `reason` and `until`).
      return err.reason === "muted"
        ? `You are muted ${untilText(err.until)}.`
        : "You are not allowed to do that here.";
    case "banned":
      return `You are banned from this room ${untilText(err.until)}.`;
    case "file_too_large":
      return `That file is too large to share. ${err.message}.`;
    case "unsupported_type":
      return `That kind of file can't be shared here. ${err.message}.`;
    case "quota_exceeded":
      return "This room has no space left for files.";
    case "upload_failed":
      return "The upload did not reach the server. Try again.";
    case "closed":
      return "Not connected to the room.";
    default:
      return err?.message ?? "Something went wrong.";
  }
}

/**
 * Whether trying the same thing again could succeed: false for refusals that
 * will never change (see FINAL_CODES), true for the rest (rate limits, lost
 * connections, server failures).
 * @param {unknown} value
 * @example canRetry({ code: "unsupported_type", status: 415 }) // false
 */
export function canRetry(value) {
  const err = fieldsOf(value);
  if (err?.status !== undefined && FINAL_STATUSES.has(err.status)) return false;
  return !FINAL_CODES.has(err?.code ?? "");
}

/**
 * For a connection that ended by a ban — seen live (`kicked` by a ban) or
 * refused at the door (`403 banned`) — when the ban ends (null: never, or not
 * known); undefined when the end was not a ban.
 * @param {import("../vendor/roomcast-client.js").CloseInfo} reason
 * @returns {number | null | undefined}
 */
export function banEnd(reason) {
  const banned =
    reason.error === "banned" ||
    (reason.kind === "kicked" && (reason.until !== undefined || reason.reason === "banned"));
  return banned ? (reason.until ?? null) : undefined;
}
