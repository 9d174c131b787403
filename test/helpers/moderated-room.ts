/** A workerd test's room with a moderator and a member (shared by the moderation tests). */
import { freshRoom } from "./tokens";
import { openRoom } from "./workerd-socket";

/** A room with a moderator `mod` and a member `bob`, both welcomed. */
export async function moderatedRoom() {
  const room = freshRoom();
  const mod = await openRoom(room, { sub: "mod", name: "Mo", role: "moderator" });
  const bob = await openRoom(room, { sub: "bob", name: "Bob" });
  await mod.frames.next("user_joined");
  return { room, mod, bob };
}
