/**
 * A room connection's attachment: the shared socket state plus the room's name
 * (see ../hibernation/attachment.ts for what survives hibernation and why).
 */
import type { SocketAttachment } from "../hibernation/attachment";

/** The per-socket state of a room connection. */
export interface ConnectionAttachment extends SocketAttachment {
  room: string;
}
