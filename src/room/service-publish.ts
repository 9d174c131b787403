/**
 * The room's side of `POST /v1/rooms/:room/messages`: a backend with a service
 * token posts a message through the room's one message path
 * ({@link submitMessage}), under its own per-service rate limit
 * (`SERVICE_RATE_PER_MINUTE`, a bucket table of its own beside users' frames).
 * The worker has already checked the token, its role and the body.
 */
import type { AckFields } from "../hibernation/ack-frame";
import { ErrorCode } from "../protocol/codes";
import type { UserRef } from "../protocol/frames";
import type { Refusal } from "../protocol/refusal";
import type { RoomContext } from "./room-context";
import { submitMessage } from "./room-message";

/** What the worker asks the room (RPC). */
export interface PublishRequest {
  room: string;
  /** The service token's identity: the key of retries and of the rate limit. */
  service: UserRef;
  /** The author shown; default: the service itself. */
  from?: UserRef | undefined;
  content: string;
  cid?: string | undefined;
}

/** The room's answer. */
export type PublishOutcome =
  | { kind: "stored" | "retry"; message: AckFields }
  | { kind: "refused"; refusal: Refusal };

/**
 * Publishes one message for a service: rate limited (every call takes a token,
 * retries included, as every frame does on a socket), then posted.
 */
export function publishForService(
  room: RoomContext,
  req: PublishRequest,
  now: number,
): PublishOutcome | Promise<PublishOutcome> {
  const verdict = room.serviceLimiter.take(req.service.id, now);
  if (!verdict.ok) {
    return {
      kind: "refused",
      refusal: {
        code: ErrorCode.RateLimited,
        message: "too many messages from this service; slow down",
        retryAfterMs: verdict.retryAfterMs,
      },
    };
  }
  return submitMessage(
    room,
    { kind: "service", service: req.service, from: req.from ?? req.service },
    { room: req.room, content: req.content, cid: req.cid },
    now,
  );
}
