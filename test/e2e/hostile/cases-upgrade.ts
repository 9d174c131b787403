/**
 * Hostile upgrades, tokens and HTTP API calls: each is refused with the
 * documented status and stable code, before anything reaches a room.
 */
import { SignJWT } from "jose";
import { expect } from "vitest";
import { DEV_SECRET, signTestToken } from "../../helpers/tokens";
import type { CaseWorld, ConnectOptions, HostileCase } from "./world";

function refusal(
  name: string,
  options: (w: CaseWorld) => Promise<ConnectOptions> | ConnectOptions,
  status: number,
  error: string,
): HostileCase {
  return {
    group: "upgrade",
    name,
    async run(w) {
      const refused = await w.refused(await options(w));
      expect([refused.status, refused.error]).toEqual([status, error]);
    },
  };
}

function tokenRefusal(name: string, token: (w: CaseWorld) => Promise<string>, error?: string): HostileCase {
  return {
    group: "token",
    name,
    async run(w) {
      const refused = await w.refused({ token: await token(w) });
      expect(refused.status).toBe(401);
      if (error) expect(refused.error).toBe(error);
    },
  };
}

const secret = new TextEncoder().encode(DEV_SECRET);
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

export const upgradeCases: HostileCase[] = [
  refusal("room name with a space", () => ({ room: "bad%20room" }), 400, "invalid_room"),
  refusal("room name of 101 characters", () => ({ room: "r".repeat(101) }), 400, "invalid_room"),
  refusal("room name in Cyrillic", () => ({ room: encodeURIComponent("комната") }), 400, "invalid_room"),
  refusal("room name with path traversal", () => ({ room: "..%2F..%2Fadmin" }), 400, "invalid_room"),
  refusal(
    "a foreign Origin",
    () => ({ headers: { Origin: "https://evil.example" } }),
    403,
    "origin_not_allowed",
  ),
  refusal(
    "a scanner's User-Agent",
    () => ({ headers: { "User-Agent": "sqlmap-scanner/1.7" } }),
    403,
    "agent_blocked",
  ),
  refusal("no token at all", () => ({ token: null }), 401, "token_missing"),
  refusal(
    "Basic credentials instead of a bearer token",
    () => ({ token: null, headers: { Authorization: "Basic YWxpY2U6cHc=" } }),
    401,
    "token_missing",
  ),
  refusal("an 8 KB garbage bearer token", () => ({ token: "x".repeat(8000) }), 401, "token_invalid"),
  refusal(
    "a garbage token in the subprotocol",
    () => ({ token: "not.a.jwt", via: "subprotocol" }),
    401,
    "token_invalid",
  ),
  refusal("an empty ?token=", () => ({ token: null, query: "?token=" }), 401, "token_missing"),
  refusal("since=-1", () => ({ query: "?since=-1" }), 400, "invalid_query"),
  refusal("since=1e400", () => ({ query: "?since=1e400" }), 400, "invalid_query"),
  refusal("since of 16 digits", () => ({ query: "?since=9999999999999999" }), 400, "invalid_query"),
  refusal("presence=everything", () => ({ query: "?presence=everything" }), 400, "invalid_query"),
  refusal(
    "only a foreign subprotocol offered",
    () => ({ protocols: ["chat.v9"] }),
    400,
    "unsupported_subprotocol",
  ),
  refusal(
    "a token whose rooms claim excludes the room",
    async () => ({ token: await signTestToken({ rooms: ["elsewhere-*"] }) }),
    403,
    "room_forbidden",
  ),
  {
    group: "upgrade",
    name: "a plain GET on the upgrade endpoint",
    async run(w) {
      const res = await w.http("GET", `/v1/rooms/${w.room}/ws`, { token: await w.token() });
      expect([res.status, res.error]).toEqual([426, "upgrade_required"]);
    },
  },
  tokenRefusal(
    "alg none",
    async () => `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "mallory", exp: now() + 60 })}.`,
  ),
  tokenRefusal(
    "an expired token",
    () => signTestToken({ exp: now() - 3600, iat: now() - 7200 }),
    "token_expired",
  ),
  tokenRefusal("signed with another secret", () =>
    signTestToken({}, "another-secret-of-at-least-32-bytes!!"),
  ),
  tokenRefusal("no sub claim", () => signTestToken({ sub: undefined })),
  tokenRefusal("exp a century away", () => signTestToken({ exp: now() + 100 * 365 * 86400 })),
  tokenRefusal("nbf in the future", () => signTestToken({ nbf: now() + 3600 })),
  tokenRefusal("a 1,000-character sub", () => signTestToken({ sub: "s".repeat(1000) })),
  tokenRefusal("an unknown role", () => signTestToken({ role: "god" })),
  tokenRefusal("the payload edited after signing", async () => {
    const [header, , signature] = (await signTestToken({ sub: "alice" })).split(".");
    return `${header}.${b64({ sub: "admin", role: "admin", exp: now() + 60 })}.${signature}`;
  }),
  tokenRefusal("HS512 with the right secret (algorithm not allowed)", () =>
    new SignJWT({ sub: "mallory" }).setProtectedHeader({ alg: "HS512" }).setExpirationTime("1h").sign(secret),
  ),
  {
    group: "http",
    name: "history page with before and after both",
    async run(w) {
      const res = await w.http("GET", `/v1/rooms/${w.room}/messages?before=5&after=2`, {
        token: await w.token(),
      });
      expect([res.status, res.error]).toEqual([400, "invalid_query"]);
    },
  },
  {
    group: "http",
    name: "history page with limit 101, 0 and abc",
    async run(w) {
      const token = await w.token();
      for (const limit of ["101", "0", "abc", "-1", "1.5"]) {
        const res = await w.http("GET", `/v1/rooms/${w.room}/messages?limit=${limit}`, { token });
        expect([res.status, res.error]).toEqual([400, "invalid_query"]);
      }
      const edge = await w.http("GET", `/v1/rooms/${w.room}/messages?limit=100`, { token });
      expect(edge.status).toBe(200);
    },
  },
  {
    group: "http",
    name: "history page with an unknown query parameter",
    async run(w) {
      const res = await w.http("GET", `/v1/rooms/${w.room}/messages?drop=table`, { token: await w.token() });
      expect([res.status, res.error]).toEqual([400, "invalid_query"]);
    },
  },
  {
    group: "http",
    name: "admin API with a user token and a forged admin claim",
    async run(w) {
      const user = await w.http("GET", "/v1/admin/blocks", { token: await w.token() });
      expect([user.status, user.error]).toEqual([403, "forbidden"]);
      const forged = await w.token({ role: "admin" }).then((t) => `${t.slice(0, -4)}AAAA`);
      const res = await w.http("POST", "/v1/admin/blocks", {
        token: forged,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ip: w.ip }),
      });
      expect(res.status).toBe(401);
    },
  },
  {
    group: "http",
    name: "a malformed JSON body to the admin API",
    async run(w) {
      const res = await w.http("POST", "/v1/admin/blocks", {
        token: await w.token({ role: "admin" }),
        headers: { "Content-Type": "application/json" },
        body: '{"ip": "1.2.3.4", "ttlMs": ',
      });
      expect([res.status, res.error]).toEqual([400, "invalid_body"]);
    },
  },
];
