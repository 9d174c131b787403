// Structured logs: connects, closes and refusals are JSON lines with an event
// name and a time, and no line ever carries a token: URLs are logged with
// `?token=` (and signed links' `sig`) redacted.

import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { redactUrl } from "../src/logging/log";
import { freshRoom, signTestToken } from "./helpers/tokens";
import { openRoom } from "./helpers/workerd-socket";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The JSON log lines written so far. */
function lines(spy: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
  return spy.mock.calls
    .map(([line]) => line)
    .filter((line): line is string => typeof line === "string" && line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("redactUrl", () => {
  it("replaces credentials in the query and keeps everything else", () => {
    expect(redactUrl("https://r.example/v1/rooms/a/ws?since=4&token=eyJhbGciOi.x.y")).toBe(
      "https://r.example/v1/rooms/a/ws?since=4&token=redacted",
    );
    expect(redactUrl("https://r.example/v1/files/f1?exp=99&sig=abc&Token=t")).toBe(
      "https://r.example/v1/files/f1?exp=99&sig=redacted&Token=redacted",
    );
    expect(redactUrl("https://r.example/health")).toBe("https://r.example/health");
    expect(redactUrl("not a url ?token=x")).toBe("(unparsable URL)");
  });
});

describe("log lines", () => {
  it("log a refused upgrade with its token redacted", async () => {
    const logs = vi.spyOn(console, "log");
    const secret = `${await signTestToken({ sub: "mallory" })}tampered`;
    const room = freshRoom("logs");
    const res = await exports.default.fetch(
      new Request(`http://roomcast.localhost/v1/rooms/${room}/ws?token=${secret}`, {
        headers: { Upgrade: "websocket", "CF-Connecting-IP": "203.0.113.9" },
      }),
    );
    expect(res.status).toBe(401);
    await res.text();
    await expect.poll(() => lines(logs).filter((l) => l.event === "refusal").length).toBe(1);
    expect(lines(logs).find((l) => l.event === "refusal")).toMatchObject({
      status: 401,
      error: "token_invalid",
      method: "GET",
      url: `http://roomcast.localhost/v1/rooms/${room}/ws?token=redacted`,
      ip: "203.0.113.9",
    });
    expect(typeof lines(logs)[0]?.t).toBe("string");
    expect(logs.mock.calls.flat().join("\n")).not.toContain(secret.slice(20, 60));
  });

  it("log connects and closes, with who and why, never the token", async () => {
    const logs = vi.spyOn(console, "log");
    const room = freshRoom("logs");
    const token = await signTestToken({ sub: "ada" });
    const ada = await openRoom(room, { token });
    const bo = await openRoom(room, { sub: "bo" });
    ada.ws.close(1000, "bye");
    await bo.frames.next("user_left");
    const mine = lines(logs).filter((l) => l.room === room);
    expect(mine.map((l) => [l.event, l.user, l.code, l.by])).toEqual([
      ["connect", "ada", undefined, undefined],
      ["connect", "bo", undefined, undefined],
      ["close", "ada", 1000, "client"],
    ]);
    expect(mine[0]).toMatchObject({ kind: "room", conn: ada.welcome.clientId });
    expect(logs.mock.calls.flat().join("\n")).not.toContain(token.split(".")[2]);
  });
});
