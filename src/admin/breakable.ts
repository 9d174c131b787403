/**
 * Long identifiers (room names, IPv6 addresses) in narrow table cells: a line
 * may break after each `-`, `_`, `.` or `:` (a `<wbr>`), so
 * `customer_support_emea` wraps as `customer_support_` / `emea` instead of in
 * the middle of a word. Built from text nodes: the name is never parsed as markup.
 */

/** Where a break may go: after these characters. */
const SEPARATORS = /([-_.:])/;

/**
 * `text` as nodes with a break opportunity after each separator.
 * @example td.append(...breakable("support-emea_escalations"))
 */
export function breakable(text: string): Node[] {
  const nodes: Node[] = [];
  for (const part of text.split(SEPARATORS)) {
    if (!part) continue;
    nodes.push(document.createTextNode(part));
    if (SEPARATORS.test(part)) nodes.push(document.createElement("wbr"));
  }
  return nodes;
}
