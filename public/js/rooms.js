// The current room lives in the URL (?room=name) so a link can be shared;
// recently joined rooms are remembered in localStorage.
import { isValidRoomName } from "../vendor/roomcast-client.js";

const RECENT_KEY = "roomcast.recentRooms";
const RECENT_MAX = 8;
export const DEFAULT_ROOM = "general";

/** The room named in the URL, if valid. */
export function roomFromUrl() {
  const room = new URL(location.href).searchParams.get("room");
  return room && isValidRoomName(room) ? room : undefined;
}

/**
 * Puts `room` in the URL (a new history entry unless `replace`).
 * @param {string} room
 * @param {boolean} [replace]
 */
export function setRoomInUrl(room, replace = false) {
  const url = new URL(location.href);
  url.searchParams.set("room", room);
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
}

/**
 * Recently joined rooms, most recent first.
 * @returns {string[]}
 */
export function recentRooms() {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) ?? "[]");
    return Array.isArray(list) ? list.filter((r) => typeof r === "string" && isValidRoomName(r)) : [];
  } catch {
    return [];
  }
}

/**
 * Adds `room` to the front of the recent list when it is new. A room already
 * listed keeps its place, so the list does not reorder under the cursor when
 * one of its links is clicked.
 * @param {string} room
 */
export function rememberRoom(room) {
  const known = recentRooms();
  if (known.includes(room)) return known;
  const list = [room, ...known].slice(0, RECENT_MAX);
  localStorage.setItem(RECENT_KEY, JSON.stringify(list));
  return list;
}

/**
 * Why `input` is not a room name, or undefined when it is one (the same rule
 * as the server: 1-100 of A-Z a-z 0-9 _ -).
 * @param {string} input
 */
export function roomNameProblem(input) {
  if (input.length === 0) return "Type a room name.";
  if (input.length > 100) return "Room names are at most 100 characters.";
  if (!isValidRoomName(input)) return "Use only letters, digits, - and _ (no spaces).";
  return undefined;
}
