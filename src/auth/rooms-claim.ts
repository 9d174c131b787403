/**
 * Whether a token's optional `rooms` claim lets it into `room`. Entries are exact
 * room names or `prefix-*` patterns; an absent claim permits every room.
 * @example isRoomPermitted(["support-*", "general"], "support-42") // true
 */
export function isRoomPermitted(rooms: readonly string[] | undefined, room: string): boolean {
  if (rooms === undefined) return true;
  return rooms.some((entry) => (entry.endsWith("*") ? room.startsWith(entry.slice(0, -1)) : entry === room));
}
