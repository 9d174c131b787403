/**
 * Files for tests: a real (1×1) PNG and binary payloads whose every byte value
 * occurs, so a round trip that mangled encodings would show.
 */
import type { HistoryEntry, PrivateMessageFrame } from "../../src/protocol/frames";

/** A valid 1×1 transparent PNG. */
export const PNG_BYTES = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);

/**
 * A valid PNG header followed by `size` bytes in total of every byte value
 * (0-255 repeating), for byte-equality round trips of binary data.
 * @example binaryPng(100_000)
 */
export function binaryPng(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + 3) & 0xff;
  bytes.set(PNG_BYTES.subarray(0, 8));
  return bytes;
}

/**
 * A history entry as text: a message's content, or `[file <name>]` for a file,
 * so tests can compare whole histories at a glance.
 * @example page.messages.map(contentOf) // ["hi", "[file cat.png]"]
 */
export function contentOf(entry: HistoryEntry | PrivateMessageFrame): string {
  return entry.type === "file_share" ? `[file ${entry.file.name}]` : entry.content;
}
