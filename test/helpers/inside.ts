/**
 * What a workerd test may reach inside a live object (from `runInDurableObject`):
 * the parts its public RPC surface does not show. The fields are the object's
 * own, private to TypeScript only; reading them here keeps that reach in one
 * named place instead of casts spread over the tests.
 */

import type { RateLimiter } from "../../src/hibernation/rate-limiter";
import type { RoomContext } from "../../src/room/room-context";
import type { RoomDO } from "../../src/room/room-do";
import type { ObjectCounters } from "../../src/stats/object-counters";
import type { UserDO } from "../../src/user/user-do";

interface Inside {
  handlerContext: RoomContext;
  counters: ObjectCounters;
  limiter: RateLimiter;
}

/**
 * The room as its handlers see it (history appends, files, moderation).
 * @example await runInDurableObject(stub, (room) => roomContextOf(room).files.deleted(seq));
 */
export function roomContextOf(room: RoomDO): RoomContext {
  return (room as unknown as Inside).handlerContext;
}

/** An object's monitoring counters. */
export function countersOf(object: RoomDO | UserDO): ObjectCounters {
  return (object as unknown as Inside).counters;
}

/** An object's message budget (`RATE_LIMIT_PER_MINUTE`). */
export function limiterOf(object: RoomDO | UserDO): RateLimiter {
  return (object as unknown as Inside).limiter;
}
