/**
 * Content policy: the seed's script-injection patterns (`<script`, `javascript:`,
 * inline `on…=` handlers). Rendering text with `textContent` is the real XSS
 * defence (the demo does); this policy lets an operator see (`flag`) or refuse
 * (`reject`) content that tries anyway. Every check is linear in the content's
 * length: it runs in the room, on every message, on attacker-chosen text.
 */

// Whitespace inside the scheme (`java\tscript:`) is what browsers tolerate too.
const SCRIPT_TAG = /<\s*script\b/i;
const SCRIPT_SCHEME = /j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:/i;
// `onerror=` after a space, slash or quote, as inside a tag (`<svg/onload=…>`).
const HANDLER = /[\s/"']on[a-z]+\s*=/gi;

/**
 * Whether an inline handler appears inside an open tag, so prose such as
 * "online = true" is not flagged. One pass: the last `<` and `>` before each
 * candidate are tracked as the scan moves forward (a regex spanning the tag
 * would backtrack quadratically on a message full of `<`).
 */
function hasInlineHandler(content: string): boolean {
  let lastOpen = -1;
  let lastClose = -1;
  let scanned = 0;
  for (const match of content.matchAll(HANDLER)) {
    for (; scanned < match.index; scanned++) {
      const c = content.charCodeAt(scanned);
      if (c === 60) lastOpen = scanned;
      else if (c === 62) lastClose = scanned;
    }
    if (lastOpen > lastClose) return true;
  }
  return false;
}

/**
 * Whether `content` matches one of the content policy's patterns.
 * @example matchesContentPolicy('<img src=x onerror="alert(1)">') // true
 */
export function matchesContentPolicy(content: string): boolean {
  return SCRIPT_TAG.test(content) || SCRIPT_SCHEME.test(content) || hasInlineHandler(content);
}
