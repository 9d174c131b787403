// Token verification against real signed tokens (jose), inside workerd.
import { createLocalJWKSet, errors, exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { KeysUnavailableError } from "../src/auth/errors";
import { type KeySource, secretKeySource, verifyToken } from "../src/auth/verify";
import { DEV_SECRET, signEs256Token, signTestToken } from "./helpers/tokens";

const policy = { maxTtlSeconds: 86400 };
const secret = secretKeySource(DEV_SECRET);
const now = () => Math.floor(Date.now() / 1000);

function b64url(value: object): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

async function rejection(token: string, source: KeySource = secret, extra = {}): Promise<string> {
  try {
    await verifyToken(token, source, { ...policy, ...extra });
  } catch (err) {
    return (err as { code: string }).code;
  }
  throw new Error("the token was accepted");
}

describe("verifyToken with an HS256 secret", () => {
  it("accepts a valid token and reads its claims", async () => {
    const token = await signTestToken({ sub: "u1", name: "Ada", rooms: ["a", "b-*"], role: "moderator" });
    expect(await verifyToken(token, secret, policy)).toMatchObject({
      id: "u1",
      name: "Ada",
      rooms: ["a", "b-*"],
      role: "moderator",
    });
  });

  it("falls back to sub as the display name", async () => {
    expect((await verifyToken(await signTestToken({ sub: "u2" }), secret, policy)).name).toBe("u2");
  });

  it("refuses an expired token as token_expired", async () => {
    expect(await rejection(await signTestToken({ exp: now() - 60 }))).toBe("token_expired");
  });

  it("refuses a token that is not valid yet", async () => {
    expect(await rejection(await signTestToken({ nbf: now() + 600 }))).toBe("token_invalid");
  });

  it("refuses a token without exp or without sub", async () => {
    expect(await rejection(await signTestToken({ exp: undefined }))).toBe("token_invalid");
    expect(await rejection(await signTestToken({ sub: undefined }))).toBe("token_invalid");
  });

  it("refuses a token whose lifetime is longer than allowed (exp: 1e15)", async () => {
    expect(await rejection(await signTestToken({ exp: 1e15 }))).toBe("token_invalid");
    expect(await rejection(await signTestToken({ iat: now() - 3 * 86400, exp: now() + 60 }))).toBe(
      "token_invalid",
    );
  });

  it("refuses a bad signature and a token signed with another secret", async () => {
    const token = await signTestToken();
    const [h, p, s] = token.split(".");
    const flipped = `${h}.${p}.${s?.startsWith("A") ? "B" : "A"}${s?.slice(1)}`;
    expect(await rejection(flipped)).toBe("token_invalid");
    expect(await rejection(await signTestToken({}, "another-secret-that-is-long-enough-0000"))).toBe(
      "token_invalid",
    );
  });

  it('refuses alg "none"', async () => {
    const token = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ sub: "x", exp: now() + 60 })}.`;
    expect(await rejection(token)).toBe("token_invalid");
  });

  it("enforces the issuer and audience when configured", async () => {
    const token = await signTestToken({ iss: "https://idp.example", aud: "roomcast" });
    const ok = await verifyToken(token, secret, {
      ...policy,
      issuer: "https://idp.example",
      audience: "roomcast",
    });
    expect(ok.id).toMatch(/^user-/);
    expect(await rejection(token, secret, { issuer: "https://other.example" })).toBe("token_invalid");
    expect(await rejection(token, secret, { audience: "someone-else" })).toBe("token_invalid");
  });

  it("refuses malformed claims", async () => {
    expect(await rejection(await signTestToken({ role: "owner" }))).toBe("token_invalid");
    expect(await rejection("not.a.jwt")).toBe("token_invalid");
  });

  it("treats a secret shorter than 32 bytes as a configuration error", () => {
    expect(() => secretKeySource("short")).toThrow(RangeError);
  });
});

describe("verifyToken with a JWKS", () => {
  it("accepts ES256 and refuses an HS256 token signed with the public key's bytes", async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256" };
    const jwks: KeySource = { kind: "jwks", getKey: createLocalJWKSet({ keys: [jwk] }) };
    const good = await signEs256Token("u3", privateKey);
    expect((await verifyToken(good, jwks, policy)).id).toBe("u3");

    // The algorithm-confusion attack: use the public key (which anyone has) as an HMAC secret.
    const confused = await signTestToken({ sub: "attacker" }, JSON.stringify(jwk));
    expect(await rejection(confused, jwks)).toBe("token_invalid");
  });

  it("reports an unreachable key set as unavailable, not as a bad token", async () => {
    const token = await signEs256Token("u4");
    for (const failure of [
      new errors.JWKSTimeout(),
      new TypeError("fetch failed"),
      new errors.JOSEError("Expected 200 OK"),
    ]) {
      const broken: KeySource = { kind: "jwks", getKey: () => Promise.reject(failure) };
      await expect(verifyToken(token, broken, policy)).rejects.toBeInstanceOf(KeysUnavailableError);
    }
  });
});
