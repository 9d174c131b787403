/**
 * File bytes in R2 (binding `FILES`): one object per file under `files/<id>`, with
 * its type and cleaned name as metadata, so serving a download needs no room.
 */
import { type UploadChecks, uploadChecker } from "./upload-stream";

/** What is stored beside the bytes. */
export interface FileMeta {
  name: string;
  type: string;
  room: string;
  /** The uploader's user id. */
  from: string;
}

/**
 * The R2 key of file `id`.
 * @example fileKey("4f1c…") // "files/4f1c…"
 */
export function fileKey(id: string): string {
  return `files/${id}`;
}

/**
 * Streams `body` into R2 under file `id` through the upload checks. R2 needs a
 * stream of known length, so the checked bytes flow into a `FixedLengthStream`
 * of the declared length: nothing is ever buffered whole. The first
 * `SNIFF_BYTES` are read and checked before R2 is asked for anything, so a
 * file whose first bytes contradict its type (or a body that already broke its
 * length) costs no write at all; a later refusal, or a body that breaks off,
 * aborts the write, and R2 keeps nothing of an aborted put. Every read, write,
 * cancel and abort is awaited or caught here. Throws `RefusalError` for
 * refusals, a body that breaks off (`400 length_mismatch`) included.
 */
export async function storeFileStream(
  bucket: R2Bucket,
  id: string,
  body: ReadableStream<Uint8Array> | null,
  checks: UploadChecks,
  meta: FileMeta,
): Promise<void> {
  const check = uploadChecker(checks);
  const reader = body?.getReader();
  const next = async (): Promise<Uint8Array | undefined> => {
    if (!reader) return undefined;
    // A read fails when the client is gone mid-body (closed, reset, or
    // half-closed before its length): the client's doing, refused as such.
    const chunk = await reader.read().catch(() => {
      throw check.brokeOff();
    });
    return chunk.done ? undefined : chunk.value;
  };
  const head: Uint8Array[] = [];
  let ended = false;
  try {
    while (!check.sniffed) {
      const bytes = await next();
      if (bytes === undefined) {
        check.end();
        ended = true;
        break;
      }
      check.chunk(bytes);
      head.push(bytes);
    }
  } catch (err) {
    await reader?.cancel(err).catch(() => {});
    throw err;
  }
  const fixed = new FixedLengthStream(checks.length);
  // Observed at once: when the pump fails first, the put's rejection is expected.
  const stored = bucket.put(fileKey(id), fixed.readable, putOptions(meta)).then(
    () => undefined,
    (reason: unknown) => ({ reason }),
  );
  const writer = fixed.writable.getWriter();
  try {
    for (const bytes of head) await writer.write(bytes);
    if (!ended) {
      for (let bytes = await next(); bytes !== undefined; bytes = await next()) {
        check.chunk(bytes);
        await writer.write(bytes);
      }
      check.end();
    }
    await writer.close();
  } catch (err) {
    await Promise.allSettled([reader?.cancel(err), writer.abort(err)]);
    // Belt and braces: if the store completed anyway, remove it.
    if ((await stored) === undefined) await bucket.delete(fileKey(id));
    throw err;
  }
  const failed = await stored;
  if (failed) throw failed.reason;
}

/**
 * Stores bytes already in memory (the in-frame path: at most `MAX_MESSAGE_BYTES`),
 * already checked by the caller.
 */
export async function storeFileBytes(
  bucket: R2Bucket,
  id: string,
  bytes: Uint8Array,
  meta: FileMeta,
): Promise<void> {
  await bucket.put(fileKey(id), bytes, putOptions(meta));
}

/** Deletes the objects of these files (R2 takes up to 1,000 keys per call). */
export async function deleteFiles(bucket: R2Bucket, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    await bucket.delete(ids.slice(i, i + 1000).map(fileKey));
  }
}

function putOptions(meta: FileMeta): R2PutOptions {
  return {
    httpMetadata: { contentType: meta.type },
    customMetadata: { name: meta.name, room: meta.room, from: meta.from },
  };
}
