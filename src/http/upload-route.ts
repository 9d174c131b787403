/**
 * `POST /v1/rooms/:room/files`: authenticates like every room request, checks the
 * headers, asks the room to admit the upload (bans, upload rate, quota, `cid`
 * retries), streams the body into R2, then has the room store and broadcast the
 * `file_share`.
 */
import { Hono } from "hono";
import { bearerToken } from "../auth/transport";
import { readConfig } from "../config";
import { deleteFiles, storeFileStream } from "../files/file-objects";
import { fileLinkSigner } from "../files/signed-url";
import type { FileShareFrame } from "../protocol/frames";
import { refusalResponse } from "../protocol/refusal";
import { apiCors } from "./api-cors";
import { guard } from "./guard-middleware";
import { checkRoomAccess } from "./room-access";
import { requireRoomName } from "./room-path";
import { contentLength, FILE_NAME_HEADER, readUploadRequest } from "./upload-request";

/** `POST /v1/rooms/:room/files` (mounted beside the other room routes). */
export const roomFileRoutes = new Hono<{ Bindings: Env }>();

// Pages on the allowed origins may upload from the browser; bearer tokens are
// not cookies, so credentials mode stays off.
roomFileRoutes.use("/:room/files", apiCors(["POST"], ["Authorization", "Content-Type", FILE_NAME_HEADER]));

// A refusal answered before the body was read (too large, a type, a quota, a
// rate limit, a retried cid): over HTTP/1.1 a client that is still sending when
// the server answers and closes sees a reset, not the answer (browsers report a
// network error). So a body that declares up to twice `MAX_FILE_BYTES` is read to
// its end and dropped (streamed: nothing is held), and its sender reads why; a
// body with no length, or a larger one, is cut off at once.
roomFileRoutes.post("/:room/files", async (c, next) => {
  try {
    await next();
  } finally {
    const body = c.req.raw.bodyUsed ? null : c.req.raw.body;
    if (body) await discard(body, c.req.header("Content-Length"), readConfig(c.env).maxFileBytes);
  }
});

// The room-path checks and the guard run here, after CORS and the draining
// wrapper, so a guard refusal is readable cross-origin and its body is drained
// too (the app mounts these routes before the other room routes for that reason).
roomFileRoutes.use("/:room/files", requireRoomName, guard());

async function discard(
  body: ReadableStream<Uint8Array>,
  length: string | undefined,
  max: number,
): Promise<void> {
  const declared = contentLength(length) ?? Number.POSITIVE_INFINITY;
  try {
    if (declared <= 2 * max) {
      let seen = 0;
      const reader = body.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        seen += chunk.value.byteLength;
        // A body longer than it said is cut off here too.
        if (seen > declared) return await reader.cancel();
      }
    } else {
      await body.cancel();
    }
  } catch {
    // The client went away: nothing left to drop.
  }
}

roomFileRoutes.post("/:room/files", async (c) => {
  const req = c.req.raw;
  const room = c.req.param("room");
  const identity = await checkRoomAccess(req, c.env, room, bearerToken(req));
  const upload = readUploadRequest(req, readConfig(c.env));
  // Misconfiguration (no link secret) answers 503 before anything is stored.
  fileLinkSigner(c.env);
  const user = { id: identity.id, name: identity.name };
  const stub = c.env.ROOM.getByName(room);
  const admission = await stub.admitUpload({ room, user, cid: upload.cid, size: upload.length }, identity);
  if (admission.kind === "refused") return refusalResponse(admission.refusal);
  if (admission.kind === "retry") return c.json(admission.result satisfies FileShareFrame, 200);
  const id = crypto.randomUUID();
  await storeFileStream(c.env.FILES, id, req.body, upload, {
    name: upload.name,
    type: upload.type,
    room,
    from: user.id,
  });
  const shared = await stub.shareFile(
    { room, user, cid: upload.cid, file: { id, name: upload.name, size: upload.length, type: upload.type } },
    identity,
  );
  if (shared.kind !== "shared") {
    // Refused after the bytes arrived (a parallel upload took the quota, or the
    // same cid won the race): the object must not outlive the refusal.
    await deleteFiles(c.env.FILES, [id]);
    if (shared.kind === "retry") return c.json(shared.result satisfies FileShareFrame, 200);
    return refusalResponse(shared.refusal);
  }
  return c.json(shared.result satisfies FileShareFrame, 201);
});
