/**
 * `POST /v1/rooms/:room/messages`: a backend or a bot publishes into a room
 * without holding a socket. The worker checks what it always checks (origin,
 * token, rooms claim), then the `service` role and the body; the room stores,
 * de-duplicates and broadcasts the message on the same path as a socket's.
 */
import type { Context } from "hono";
import { bearerToken } from "../auth/transport";
import { readConfig } from "../config";
import { exceedsUtf8Bytes } from "../hibernation/parse-frame";
import type { PublishResult } from "../protocol/frames";
import { refusalResponse } from "../protocol/refusal";
import { type PublishBody, publishBodySchema } from "../protocol/schemas";
import { HttpError } from "./http-error";
import { checkRoomAccess } from "./room-access";

type RoomContext = Context<{ Bindings: Env }, "/:room/messages">;

/**
 * Handles one publish: `201 {id, seq, timestamp, cid?}` when stored, `200` with
 * the original values for a retried `cid`, else a JSON refusal.
 */
export async function publishMessage(c: RoomContext): Promise<Response> {
  const room = c.req.param("room");
  const identity = await checkRoomAccess(c.req.raw, c.env, room, bearerToken(c.req.raw));
  if (identity.role !== "service") {
    throw new HttpError(403, "forbidden", 'publishing over HTTP needs a token with role "service"');
  }
  const body = await readBody(c);
  const outcome = await c.env.ROOM.getByName(room).publish({
    room,
    service: { id: identity.id, name: identity.name },
    from: body.from,
    content: body.content,
    cid: body.cid,
  });
  if (outcome.kind === "refused") return refusalResponse(outcome.refusal);
  const result = {
    id: outcome.message.id,
    seq: outcome.message.seq,
    timestamp: outcome.message.timestamp,
    ...(body.cid !== undefined ? { cid: body.cid } : {}),
  } satisfies PublishResult;
  return c.json(result, outcome.kind === "stored" ? 201 : 200);
}

/** The JSON body, within `MAX_MESSAGE_BYTES` and the publish schema, or a 4xx. */
async function readBody(c: RoomContext): Promise<PublishBody> {
  const config = readConfig(c.env);
  const declared = Number(c.req.header("Content-Length") ?? "0");
  if (declared > config.maxMessageBytes) throw tooLarge(config.maxMessageBytes);
  const text = await c.req.text();
  if (exceedsUtf8Bytes(text, config.maxMessageBytes)) throw tooLarge(config.maxMessageBytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "the body is not valid JSON");
  }
  const parsed = publishBodySchema(config).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new HttpError(400, "invalid_message", `${where}${issue?.message ?? "invalid body"}`);
  }
  return parsed.data;
}

function tooLarge(max: number): HttpError {
  return new HttpError(413, "too_large", `bodies are limited to ${max} bytes`);
}
