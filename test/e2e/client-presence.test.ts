// The SDK in a room above PRESENCE_BATCH_ABOVE: it opts into batched presence and
// turns each presence_diff back into user_joined / user_left events and an exact
// presence list.
import { describe, expect, it } from "vitest";
import type { RoomcastClient } from "../../src/client";
import type { PresenceFrame } from "../../src/protocol/frames";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { useWorkerClients } from "./client-fixture";
import { joinRoom } from "./worker-harness";

const fx = useWorkerClients({ vars: { PRESENCE_BATCH_ABOVE: "2", PRESENCE_BATCH_MS: "100" } });

const names = (client: RoomcastClient) => client.presence.map((u) => u.name).sort();

describe("batched presence through the SDK", () => {
  it("keeps an exact presence list and emits join/leave events from presence_diff frames", async () => {
    const room = freshRoom();
    const ann = await fx.join(room, "Ann");
    const joined: PresenceFrame[] = [];
    const left: PresenceFrame[] = [];
    ann.client.on("user_joined", (f) => joined.push(f));
    ann.client.on("user_left", (f) => left.push(f));
    const seen: string[] = [];
    ann.client.on("frame", (f) => seen.push(f.type));

    await fx.join(room, "Ben");
    const cat = await fx.join(room, "Cat");
    const dan = await fx.join(room, "Dan");
    await ann.rec.until(() => (names(ann.client).length === 4 ? true : undefined), "four people");
    expect(names(ann.client)).toEqual(["Ann", "Ben", "Cat", "Dan"]);
    expect(joined.map((f) => f.user.name).sort()).toEqual(["Ben", "Cat", "Dan"]);
    // Ben arrived at the threshold (one frame); Cat and Dan came in a batch.
    expect(seen).toContain("presence_diff");

    cat.client.close();
    dan.client.close();
    await ann.rec.until(() => (names(ann.client).length === 2 ? true : undefined), "two left");
    expect(names(ann.client)).toEqual(["Ann", "Ben"]);
    expect(left.map((f) => f.user.name).sort()).toEqual(["Cat", "Dan"]);
  });

  it("leaves clients that did not opt in on one frame per join", async () => {
    const room = freshRoom();
    const raw = await joinRoom(fx.worker, room, await signTestToken({ sub: "raw" }));
    await fx.join(room, "Ben");
    await fx.join(room, "Cat");
    expect(await raw.frames.next("user_joined")).toMatchObject({ user: { id: "ben" } });
    expect(await raw.frames.next("user_joined")).toMatchObject({ user: { id: "cat" } });
    expect(raw.frames.all.some((f) => f.type === "presence_diff")).toBe(false);
    raw.ws.close();
  });
});
