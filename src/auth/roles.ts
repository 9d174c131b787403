/**
 * Roles from the token's `role` claim. An `admin` moderates every room; a
 * `moderator` the rooms its `rooms` claim allows (every room when absent).
 * Anyone else (no role, or `service`) moderates nothing.
 */
import { isRoomPermitted } from "./rooms-claim";

/** The roles a token may carry. */
export type Role = "admin" | "moderator" | "service";

/** The claims that decide whether a token may moderate. */
export interface RoleClaims {
  role?: Role | undefined;
  rooms?: readonly string[] | undefined;
}

/**
 * Whether a token with these claims may moderate `room`.
 * @example canModerate({ role: "moderator", rooms: ["support-*"] }, "support-1") // true
 * @example canModerate({ role: "moderator", rooms: ["support-*"] }, "general") // false
 */
export function canModerate(claims: RoleClaims, room: string): boolean {
  if (claims.role === "admin") return true;
  return claims.role === "moderator" && isRoomPermitted(claims.rooms, room);
}
