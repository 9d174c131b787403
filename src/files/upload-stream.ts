/**
 * The checks an upload passes while it streams, without ever holding the file:
 * bytes are counted as they flow (a body longer than its `Content-Length` or than
 * `MAX_FILE_BYTES` is cut off at the first byte too many), and the first bytes are
 * sniffed against the declared type. The caller (file-objects.ts) checks the
 * first bytes before it starts the R2 write, and aborts the write on a later
 * refusal, so nothing is kept.
 */
import { RefusalError } from "../protocol/refusal";
import { headMatchesType, SNIFF_BYTES } from "./file-types";

/** What the checks are measured against. */
export interface UploadChecks {
  /** The declared `Content-Length` (already at most `MAX_FILE_BYTES`). */
  length: number;
  /** The declared media type (already allowed). */
  type: string;
}

/** Checks an upload's chunks as they arrive; `chunk` and `end` throw `RefusalError` on a refusal. */
export interface UploadChecker {
  /** The next chunk, before it is written anywhere. */
  chunk(bytes: Uint8Array): void;
  /** The body ended. */
  end(): void;
  /**
   * The body could not be read on (the client closed or reset the connection
   * mid-body): its refusal, `400 length_mismatch` like any body shorter than it said.
   */
  brokeOff(): RefusalError;
  /** Whether the first bytes were checked against the type (and passed). */
  readonly sniffed: boolean;
}

/**
 * Counts and sniffs an upload's chunks; only the first {@link SNIFF_BYTES} are
 * copied aside.
 * @example const check = uploadChecker({ length, type }); check.chunk(bytes); check.end();
 */
export function uploadChecker(checks: UploadChecks): UploadChecker {
  let received = 0;
  let head: Uint8Array | undefined = new Uint8Array(Math.min(SNIFF_BYTES, checks.length));
  const sniff = (complete: boolean) => {
    if (head === undefined) return;
    if (!headMatchesType(checks.type, head.subarray(0, Math.min(received, head.length)), complete)) {
      throw new RefusalError({
        status: 415,
        code: "unsupported_type",
        message: `the file's first bytes are not ${checks.type}`,
      });
    }
    head = undefined;
  };
  return {
    chunk(bytes) {
      if (received + bytes.byteLength > checks.length) {
        throw new RefusalError({
          status: 413,
          code: "file_too_large",
          message: `the body is longer than its Content-Length (${checks.length} bytes)`,
        });
      }
      if (head !== undefined && received < head.length) {
        head.set(bytes.subarray(0, head.length - received), received);
      }
      received += bytes.byteLength;
      if (head !== undefined && received >= head.length) sniff(received >= checks.length);
    },
    end() {
      if (received < checks.length) throw shortBody(received, checks.length);
      sniff(true);
    },
    brokeOff() {
      return shortBody(received, checks.length);
    },
    get sniffed() {
      return head === undefined;
    },
  };
}

function shortBody(received: number, length: number): RefusalError {
  return new RefusalError({
    status: 400,
    code: "length_mismatch",
    message: `the body ended after ${received} of ${length} bytes`,
  });
}
