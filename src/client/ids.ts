/**
 * Client message ids (`cid`). `crypto.randomUUID` exists only in secure
 * contexts (https, localhost), so a page served over plain http on a LAN
 * address falls back to `getRandomValues`, which exists everywhere.
 */

/**
 * A new random cid (at most 64 characters, as the contract allows).
 * @example newCid() // "c-1b4e28ba2fa1a1d2883f0a9c8d4e6b1f"
 */
export function newCid(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return `c-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
