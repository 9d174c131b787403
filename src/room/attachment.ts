/**
 * A room connection's attachment: the shared socket state plus the room's name
 * and the token's role in it (see ../hibernation/attachment.ts for what
 * survives hibernation and why).
 */
import type { Role } from "../auth/roles";
import type { SocketAttachment } from "../hibernation/attachment";

/** The per-socket state of a room connection. */
export interface ConnectionAttachment extends SocketAttachment {
  room: string;
  /**
   * The token's role as it applies in this room: set only when it may moderate
   * here (`admin`, or `moderator` whose `rooms` claim covers the room).
   * Absent in attachments written before moderation existed: no role.
   */
  role?: Extract<Role, "admin" | "moderator">;
}
