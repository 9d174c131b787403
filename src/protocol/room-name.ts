/** Room names of wire contract v1: letters, digits, `_` and `-`, 1 to 100 of them. */
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * Whether `name` is a valid room name. Shared by the worker, the SDK and the demo
 * so all three refuse the same names.
 * @example isValidRoomName("general") // true
 * @example isValidRoomName("a b") // false
 */
export function isValidRoomName(name: string): boolean {
  return ROOM_NAME_PATTERN.test(name);
}
