// Links in message text: http and https URLs become anchors that open in a new
// tab, with no referrer, no `window.opener` and no endorsement (the text is a
// stranger's). Every other scheme (`javascript:`, `data:`, …) stays text. Built
// from text nodes and elements only: the message is never parsed as markup.
import { el } from "./dom.js";

/**
 * A URL candidate: http(s):// and everything up to whitespace or a character
 * that cannot be in a URL. Trailing punctuation is trimmed afterwards.
 */
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Characters that end a sentence rather than a URL ("see https://x.org/a."). */
const TRAILING = new Set([".", ",", ";", ":", "!", "?", "'", '"', ")", "]", "}"]);
/** Attributes of every link in a message. */
const LINK_REL = "noopener noreferrer nofollow";

/**
 * `url` without the sentence punctuation after it; a closing parenthesis stays
 * when it closes one inside the URL (https://en.wikipedia.org/wiki/Rust_(language)).
 * @param {string} url
 */
function trimTrailing(url) {
  let end = url.length;
  while (end > 0 && TRAILING.has(url[end - 1])) {
    const kept = url.slice(0, end);
    if (url[end - 1] === ")" && count(kept, "(") >= count(kept, ")")) break;
    end -= 1;
  }
  return url.slice(0, end);
}

/**
 * @param {string} text
 * @param {string} ch
 */
function count(text, ch) {
  return text.split(ch).length - 1;
}

/**
 * `text` as nodes: the text itself, with each http(s) URL in it an anchor.
 * @param {string} text
 * @returns {Node[]}
 * @example bubble.append(...linkified("docs at https://example.com."))
 */
export function linkified(text) {
  /** @type {Node[]} */
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = trimTrailing(match[0]);
    const start = match.index;
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) nodes.push(document.createTextNode(text.slice(last, start)));
    nodes.push(el("a", { text: raw, attrs: { href, target: "_blank", rel: LINK_REL } }));
    last = start + raw.length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

/**
 * The normalised link for `raw`, or undefined unless it parses as http or https.
 * @param {string} raw
 */
function safeHref(raw) {
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}
