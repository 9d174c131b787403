// The presence list and the typing line.
import { avatar, el } from "./dom.js";

/**
 * Renders who is in the room.
 * @param {HTMLElement} list
 * @param {HTMLElement} count
 * @param {{ id: string, name: string }[]} users
 * @param {{ id: string } | undefined} me
 */
export function renderPresence(list, count, users, me) {
  const sorted = [...users].sort((a, b) =>
    a.id === me?.id ? -1 : b.id === me?.id ? 1 : a.name.localeCompare(b.name),
  );
  list.replaceChildren(
    ...sorted.map((user) => {
      const name = el("span", { className: "person-name", text: user.name });
      const li = el("li", { className: "person" }, avatar(user), name);
      if (user.id === me?.id) li.append(el("span", { className: "you", text: "you" }));
      return li;
    }),
  );
  count.textContent = users.length > 0 ? String(users.length) : "";
}

/**
 * "Alice is typing…", "Alice and Bob are typing…", "3 people are typing…".
 * @param {{ name: string }[]} users
 */
export function typingText(users) {
  if (users.length === 0) return "";
  if (users.length === 1) return `${users[0].name} is typing…`;
  if (users.length === 2) return `${users[0].name} and ${users[1].name} are typing…`;
  return `${users.length} people are typing…`;
}
