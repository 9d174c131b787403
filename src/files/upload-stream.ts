/**
 * The checks an upload passes while it streams, without ever holding the file:
 * bytes are counted as they flow (a body longer than its `Content-Length` or than
 * `MAX_FILE_BYTES` is cut off at the first byte too many), and the first bytes are
 * sniffed against the declared type. A refusal errors the stream, which aborts
 * the R2 write, so nothing is kept.
 */
import { FileRefusalError } from "./file-refusal";
import { headMatchesType, SNIFF_BYTES } from "./file-types";

/** What the checks are measured against. */
export interface UploadChecks {
  /** The declared `Content-Length` (already at most `MAX_FILE_BYTES`). */
  length: number;
  /** The declared media type (already allowed). */
  type: string;
}

/**
 * A pass-through stream that counts and sniffs. Chunks move on as they arrive
 * (backpressure intact); only the first {@link SNIFF_BYTES} are copied aside.
 * @example body.pipeThrough(checkedUpload({ length, type })).pipeTo(fixed.writable)
 */
export function checkedUpload(checks: UploadChecks): TransformStream<Uint8Array, Uint8Array> {
  let received = 0;
  let head: Uint8Array | undefined = new Uint8Array(Math.min(SNIFF_BYTES, checks.length));
  const sniff = (complete: boolean) => {
    if (head === undefined) return;
    if (!headMatchesType(checks.type, head.subarray(0, Math.min(received, head.length)), complete)) {
      throw new FileRefusalError({
        status: 415,
        error: "unsupported_type",
        message: `the file's first bytes are not ${checks.type}`,
      });
    }
    head = undefined;
  };
  return new TransformStream({
    transform(chunk, controller) {
      if (received + chunk.byteLength > checks.length) {
        throw new FileRefusalError({
          status: 413,
          error: "file_too_large",
          message: `the body is longer than its Content-Length (${checks.length} bytes)`,
        });
      }
      if (head !== undefined && received < head.length) {
        head.set(chunk.subarray(0, head.length - received), received);
      }
      received += chunk.byteLength;
      if (head !== undefined && received >= head.length) sniff(received >= checks.length);
      controller.enqueue(chunk);
    },
    flush() {
      if (received < checks.length) {
        throw new FileRefusalError({
          status: 400,
          error: "length_mismatch",
          message: `the body ended after ${received} of ${checks.length} bytes`,
        });
      }
      sniff(true);
    },
  });
}
