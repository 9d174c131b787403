/**
 * File bytes in R2 (binding `FILES`): one object per file under `files/<id>`, with
 * its type and cleaned name as metadata, so serving a download needs no room.
 */
import { checkedUpload, type UploadChecks } from "./upload-stream";

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
 * of the declared length: nothing is ever buffered whole. A refusal (or a body
 * that breaks off) aborts the write, and R2 keeps nothing of an aborted put.
 * Throws `FileRefusalError` for refusals.
 */
export async function storeFileStream(
  bucket: R2Bucket,
  id: string,
  body: ReadableStream<Uint8Array> | null,
  checks: UploadChecks,
  meta: FileMeta,
): Promise<void> {
  const source = body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  const fixed = new FixedLengthStream(checks.length);
  const piped = source.pipeThrough(checkedUpload(checks)).pipeTo(fixed.writable);
  const put = bucket.put(fileKey(id), fixed.readable, putOptions(meta));
  const [pipe, stored] = await Promise.allSettled([piped, put]);
  if (pipe.status === "rejected") {
    // Belt and braces: if the store completed anyway, remove it.
    if (stored.status === "fulfilled") await bucket.delete(fileKey(id));
    throw pipe.reason;
  }
  if (stored.status === "rejected") throw stored.reason;
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
