// The presence list and the typing line.
import { avatar, el } from "./dom.js";

/** @typedef {{ id: string, name: string }} User */
/**
 * A button beside each other person (the moderators' Kick, Mute, Ban), shown
 * for the people `shown` accepts (everyone when it is not given).
 * @typedef {{ label: string, run: (user: User) => void, shown?: (user: User) => boolean }} PersonAction
 */

/**
 * Renders who is in the room; clicking someone else calls `onPick` (a direct
 * message); with `actions` (moderators), each other person gets buttons for them.
 * @param {HTMLElement} list
 * @param {HTMLElement} count
 * @param {User[]} users
 * @param {{ id: string } | undefined} me
 * @param {(user: User) => void} [onPick]
 * @param {PersonAction[]} [actions]
 */
export function renderPresence(list, count, users, me, onPick, actions = []) {
  const sorted = [...users].sort((a, b) =>
    a.id === me?.id ? -1 : b.id === me?.id ? 1 : a.name.localeCompare(b.name),
  );
  list.replaceChildren(
    ...sorted.map((user) => {
      if (user.id === me?.id || !onPick) {
        const li = el("li", { className: "person" }, ...personLabel(user));
        if (user.id === me?.id) li.append(el("span", { className: "you", text: "you" }));
        else if (actions.length > 0) li.append(personActions(user, actions));
        return li;
      }
      const button = el(
        "button",
        { className: "person-dm", attrs: { type: "button", title: `Message ${user.name}` } },
        ...personLabel(user),
      );
      button.addEventListener("click", () => onPick(user));
      const li = el("li", { className: "person" }, button);
      if (actions.length > 0) li.append(personActions(user, actions));
      return li;
    }),
  );
  count.textContent = users.length > 0 ? String(users.length) : "";
}

/**
 * A person's moderation buttons, each labelled with the action and the name.
 * @param {User} user
 * @param {PersonAction[]} actions
 */
function personActions(user, actions) {
  const group = el("span", { className: "person-actions" });
  for (const action of actions) {
    if (action.shown && !action.shown(user)) continue;
    const button = el("button", {
      className: "link-button small",
      text: action.label,
      attrs: { type: "button", "aria-label": `${action.label} ${user.name}` },
    });
    button.addEventListener("click", () => action.run(user));
    group.append(button);
  }
  return group;
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

/**
 * An avatar and a name, as shown in the people and direct-message lists.
 * @param {User} user
 */
export function personLabel(user) {
  return [avatar(user), el("span", { className: "person-name", text: user.name })];
}
