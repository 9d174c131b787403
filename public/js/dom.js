// Tiny DOM helpers. Every piece of text goes through textContent, never
// innerHTML: messages, names and room names are user input, and this file is
// the only place the demo creates elements.

/**
 * Creates an element. `text` becomes textContent; attributes are set with
 * setAttribute (so they are never parsed as markup).
 * @param {string} tag
 * @param {{ className?: string, text?: string, attrs?: Record<string, string> }} [props]
 * @param {...Node} children
 * @returns {HTMLElement}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

/**
 * The element with `id`, checked to be a `type` when one is given (throws if the
 * page lacks it or it is another kind of element: a bug, not a user error). The
 * type is what lets the type-checker see `.value`, `.disabled` and the like.
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @param {new () => T} [type]  e.g. HTMLInputElement
 * @returns {T}
 */
export function byId(id, type) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from index.html`);
  if (type && !(node instanceof type)) throw new Error(`#${id} is not a ${type.name} in index.html`);
  return /** @type {T} */ (node);
}

/**
 * A stable hue for a user id, so each person keeps their colour.
 * @param {string} id
 */
export function hueOf(id) {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return hash % 360;
}

/**
 * A round avatar with the first letter of `name`.
 * @param {{ id: string, name: string }} user
 */
export function avatar(user) {
  const letter = Array.from(user.name.trim())[0] ?? "?";
  const node = el("span", {
    className: "avatar",
    text: letter.toUpperCase(),
    attrs: { "aria-hidden": "true" },
  });
  node.style.setProperty("--hue", String(hueOf(user.id)));
  return node;
}
