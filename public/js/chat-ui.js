// Small pieces of chat chrome: the composer, the recent-rooms list, and the
// sidebar drawer on narrow screens.
import { el } from "./dom.js";

/**
 * The server's MAX_CONTENT_CHARS: longer messages are refused, so they are not
 * sent. Its default until {@link loadLimits} reads the deployment's own.
 */
let maxContentChars = 10_000;

/**
 * Reads the deployment's limits (`GET /v1/limits`, no token needed). A failure
 * keeps the default: the server still refuses what is too long, with a reason.
 * @returns {Promise<void>}
 */
export async function loadLimits() {
  try {
    const res = await fetch("/v1/limits");
    if (!res.ok) return;
    /** @type {import("../vendor/roomcast-client.js").ServiceLimits} */
    const limits = await res.json();
    maxContentChars = limits.maxContentChars;
  } catch {
    // Offline at load: the default stands until the next load.
  }
}

/**
 * The message box: Enter sends, Shift+Enter adds a line, it grows with its text.
 * Its length is counted in UTF-16 units, as the server counts (`String.length`;
 * an emoji is 2): near the limit a counter shows, and past it sending is blocked
 * and the text stays in the box.
 * @param {{ form: HTMLFormElement, input: HTMLTextAreaElement, counter: HTMLElement, onSend: (text: string) => void, onTyping: () => void }} parts
 */
export function wireComposer({ form, input, counter, onSend, onTyping }) {
  const grow = () => {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  };
  const count = () => {
    const length = input.value.length;
    const over = length > maxContentChars;
    counter.hidden = length < maxContentChars * 0.9;
    counter.textContent = over
      ? `${length.toLocaleString()} / ${maxContentChars.toLocaleString()} — too long to send`
      : `${length.toLocaleString()} / ${maxContentChars.toLocaleString()}`;
    counter.classList.toggle("over", over);
    input.setAttribute("aria-invalid", String(over));
    return over;
  };
  const submit = () => {
    const content = input.value;
    if (content.trim().length === 0) return;
    if (count()) {
      counter.hidden = false;
      input.focus();
      return;
    }
    onSend(content);
    input.value = "";
    count();
    grow();
    input.focus();
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener("keydown", (event) => {
    // isComposing: Enter confirms an IME composition (Japanese, Chinese, …), it does not send.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener("input", () => {
    grow();
    count();
    if (input.value.length > 0) onTyping();
  });
}

/**
 * The recently joined rooms, the current one marked.
 * @param {HTMLElement} list
 * @param {string[]} rooms
 * @param {string} current
 * @param {(room: string) => void} navigate
 */
export function renderRooms(list, rooms, current, navigate) {
  list.replaceChildren(
    ...rooms.map((room) => {
      const link = el("a", { className: "room-link", text: `# ${room}`, attrs: { href: `?room=${room}` } });
      if (room === current) link.setAttribute("aria-current", "page");
      link.addEventListener("click", (event) => {
        event.preventDefault();
        if (room !== current) navigate(room);
        document.body.classList.remove("sidebar-open");
      });
      return el("li", {}, link);
    }),
  );
}

/**
 * On narrow screens the sidebar is a drawer opened from the top bar.
 * @param {HTMLButtonElement} toggle
 * @param {HTMLElement} sidebar
 */
export function wireSidebar(toggle, sidebar) {
  const set = (/** @type {boolean} */ open) => {
    document.body.classList.toggle("sidebar-open", open);
    toggle.setAttribute("aria-expanded", String(open));
  };
  toggle.addEventListener("click", () => set(!document.body.classList.contains("sidebar-open")));
  sidebar.addEventListener("keydown", (event) => {
    if (event.key === "Escape") set(false);
  });
  // A tap outside the open drawer (on the dimmed page) closes it.
  document.addEventListener("click", (event) => {
    const target = event.target;
    if (!(target instanceof Node) || !document.body.classList.contains("sidebar-open")) return;
    // A dialog opened from the drawer (a moderator's ban) is not "outside" it.
    const inDialog = target instanceof Element && target.closest("dialog") !== null;
    if (!sidebar.contains(target) && !toggle.contains(target) && !inDialog) set(false);
  });
}
