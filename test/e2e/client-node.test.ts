// The SDK in Node 22 against the real worker: each token transport, two users
// talking, and the published entry point (`roomcast/client`, the esbuild bundle
// in public/vendor/) loaded by a plain Node process with no TypeScript tooling.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { contentOf } from "../helpers/files";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { useWorkerClients } from "./client-fixture";

const fx = useWorkerClients();

describe("the SDK in Node 22", () => {
  it.each(["header", "subprotocol", "query", "auto"] as const)(
    "connects with the %s transport",
    async (transport) => {
      const { welcome, client } = await fx.join(freshRoom(), "Tess", { transport });
      expect(welcome.user).toEqual({ id: "tess", name: "Tess" });
      expect(client.state.status).toBe("open");
    },
  );

  it("carries a conversation: presence, typing, ordered messages, acks, older pages", async () => {
    const room = freshRoom();
    const ann = await fx.join(room, "Ann");
    for (let i = 1; i <= 5; i++) await ann.client.send(`old ${i}`);
    const ben = await fx.join(room, "Ben");
    await ann.rec.until(() => (ann.client.presence.length === 2 ? true : undefined), "Ben's presence");
    expect(ben.client.presence.map((u) => u.name).sort()).toEqual(["Ann", "Ben"]);

    const typing = new Promise((resolve) => ben.client.once("typing", resolve));
    ann.client.typing();
    expect(await typing).toEqual([{ id: "ann", name: "Ann" }]);

    const ack = await ann.client.send("hello Ben");
    expect(ack.seq).toBe(6);
    await ben.rec.messageCount(6);
    expect(ben.rec.contents().at(-1)).toBe("hello Ben");

    const older = await ben.client.loadOlder(2);
    expect(older.messages).toEqual([]); // the welcome already held the whole (short) history
    await ben.client.history({ before: 3 }).then((page) => {
      expect(page.messages.map(contentOf)).toEqual(["old 1", "old 2"]);
    });

    ben.client.close();
    await ann.rec.until(() => (ann.client.presence.length === 1 ? true : undefined), "Ben leaving");
  });

  it("is importable as roomcast/client by plain Node (the bundled build)", async () => {
    const room = freshRoom();
    const token = await signTestToken({ sub: "plain", name: "Plain" });
    const script = `
      import { RoomcastClient } from "roomcast/client";
      const client = new RoomcastClient({ url: process.env.URL, room: process.env.ROOM, token: process.env.TOKEN });
      await client.connect();
      const ack = await client.send("from plain node");
      console.log(JSON.stringify({ seq: ack.seq }));
      client.close();
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, URL: fx.worker.url.href, ROOM: room, TOKEN: token },
      timeout: 20_000,
    });
    expect(JSON.parse(stdout.trim())).toEqual({ seq: 1 });
  });
});
