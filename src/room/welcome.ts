/**
 * The room's `welcome`, serialized from its parts. Its `presence` field comes
 * as JSON text already: the presence list's JSON is cached (see PresenceIndex),
 * so a storm of joins to a full room never serializes the whole list once per
 * join. The fields before and after it are serialized here and joined around
 * it, in the frame's field order.
 */
import type { WelcomeFrame } from "../protocol/frames";

/** The fields a welcome sends before `presence`. */
export type WelcomeHead = Pick<WelcomeFrame, "type" | "clientId" | "user" | "room" | "seq">;

/** The fields a welcome sends after `presence` (never empty: `settings` is always there). */
export type WelcomeTail = Omit<WelcomeFrame, keyof WelcomeHead | "presence">;

/**
 * The welcome as sent: `head`, then `presence` (`presenceJson`, the JSON of a
 * `UserRef[]`), then `tail`.
 * @example welcomeText({ type: "welcome", clientId, user, room, seq }, presence.listJson(), tail)
 */
export function welcomeText(head: WelcomeHead, presenceJson: string, tail: WelcomeTail): string {
  const before = JSON.stringify(head);
  const after = JSON.stringify(tail);
  // Both are objects with fields: drop the head's closing brace and the tail's opening one.
  return `${before.slice(0, -1)},"presence":${presenceJson},${after.slice(1)}`;
}
