// The inbox's HTTP surface: the upgrade's refusals (the rooms' order, minus
// the room name) and the conversation page.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationPage } from "../src/protocol/frames";
import { refusal } from "./helpers/refusal";
import { signTestToken } from "./helpers/tokens";
import { openInbox } from "./helpers/workerd-socket";

const freshUser = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

const upgrade = (headers: Record<string, string> = {}, query = "") =>
  exports.default.fetch(
    new Request(`http://roomcast.localhost/v1/inbox/ws${query}`, {
      headers: { Upgrade: "websocket", ...headers },
    }),
  );

const page = (query: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(`http://roomcast.localhost/v1/inbox/messages${query}`, { headers });

describe("GET /v1/inbox/ws refusals", () => {
  it("426, then 403 origin, then 401 token, then 400 since, then 400 subprotocol", async () => {
    const plain = await exports.default.fetch("http://roomcast.localhost/v1/inbox/ws");
    expect(await refusal(plain)).toEqual({ status: 426, error: "upgrade_required" });
    const foreign = await upgrade({ Origin: "https://evil.example" }, "?since=x");
    expect(await refusal(foreign)).toEqual({ status: 403, error: "origin_not_allowed" });
    expect(await refusal(await upgrade({}, "?since=x"))).toEqual({ status: 401, error: "token_missing" });
    const token = await signTestToken();
    const auth = { Authorization: `Bearer ${token}` };
    expect(await refusal(await upgrade(auth, "?since=x"))).toEqual({ status: 400, error: "invalid_query" });
    const other = await upgrade({ ...auth, "Sec-WebSocket-Protocol": "chat" });
    expect(await refusal(other)).toEqual({ status: 400, error: "unsupported_subprotocol" });
  }, 20_000); // the file's first requests also pay for the worker's cold start

  it("opens the token's own inbox, with the token in the subprotocol", async () => {
    const sub = freshUser("ann");
    const token = await signTestToken({ sub, name: "Ann" });
    const res = await upgrade({ "Sec-WebSocket-Protocol": `roomcast.v1, bearer.${token}` });
    expect(res.status).toBe(101);
    expect(res.headers.get("Sec-WebSocket-Protocol")).toBe("roomcast.v1");
    res.webSocket?.accept();
    res.webSocket?.close(1000);
  });
});

describe("GET /v1/inbox/messages", () => {
  it("pages one conversation with bearer auth and refuses bad queries", async () => {
    const [a, b, c] = [freshUser("ann"), freshUser("ben"), freshUser("cat")];
    const ann = await openInbox({ sub: a });
    for (const [to, content] of [
      [b, "b1"],
      [c, "c1"],
      [b, "b2"],
      [b, "b3"],
    ] as const) {
      ann.send({ type: "private_message", to, content });
      await ann.frames.next("ack");
    }
    const auth = { Authorization: `Bearer ${await signTestToken({ sub: a })}` };
    const latest = await page(`?with=${b}&limit=2`, auth);
    expect(latest.status).toBe(200);
    const body = (await latest.json()) as ConversationPage;
    expect(body).toMatchObject({ with: b, hasMore: true });
    expect(body.messages.map((m) => [m.seq, m.content])).toEqual([
      [3, "b2"],
      [4, "b3"],
    ]);
    const older = (await (await page(`?with=${b}&before=3`, auth)).json()) as ConversationPage;
    expect(older.messages.map((m) => m.content)).toEqual(["b1"]);
    expect(older.hasMore).toBe(false);
    expect(await refusal(await page(`?with=${b}`))).toEqual({ status: 401, error: "token_missing" });
    for (const bad of ["", `?with=${b}&before=1&after=1`, `?with=${b}&limit=0`, `?with=${b}&x=1`]) {
      expect(await refusal(await page(bad, auth))).toEqual({ status: 400, error: "invalid_query" });
    }
  });
});
