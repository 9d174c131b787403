/**
 * Content policy: the seed's script-injection patterns. Rendering text with
 * `textContent` is the real XSS defence (the demo does); this policy lets an
 * operator see (`flag`) or refuse (`reject`) content that tries anyway.
 */

// `<script`, `javascript:` and inline handlers such as `onerror=` or `onload =`.
// Whitespace inside the scheme (`java\tscript:`) is what browsers tolerate too.
const PATTERNS: readonly RegExp[] = [
  /<\s*script\b/i,
  /j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:/i,
  /\bon[a-z]+\s*=/i,
];

/**
 * Whether `content` matches one of the content policy's patterns.
 * @example matchesContentPolicy('<img src=x onerror="alert(1)">') // true
 */
export function matchesContentPolicy(content: string): boolean {
  return PATTERNS.some((pattern) => pattern.test(content));
}
