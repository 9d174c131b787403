// A deployment that verifies tokens against a remote JWKS (RS256/ES256/EdDSA),
// end to end: the real worker fetches the key set from a real HTTP server.
// While the key set cannot be had, upgrades get 503 auth_unavailable (clients
// retry; a 401 would make them give up on a good token); once it answers, the
// same token connects. The server answers 500 rather than refusing the TCP
// connection: both are the same refusal to the client, but a refused
// connection makes workerd print an "uncaught exception … Network connection
// lost" trace that would drown real errors in the test log.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshRoom, signEs256Token } from "../helpers/tokens";
import { openSocket, RefusedUpgrade, type RunningWorker, startWorker } from "./worker-harness";

let keySet: Server;
let worker: RunningWorker;
let serving: "broken" | "keys" = "broken";
let jwks = "";
let privateKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair("ES256");
  privateKey = pair.privateKey;
  jwks = JSON.stringify({
    keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256", use: "sig" }],
  });
  keySet = createServer((_req, res) => {
    if (serving === "broken") res.writeHead(500).end("key service down");
    else res.writeHead(200, { "Content-Type": "application/json" }).end(jwks);
  });
  await new Promise<void>((resolve) => keySet.listen(0, "127.0.0.1", resolve));
  const { port } = keySet.address() as AddressInfo;
  worker = await startWorker({ DEV_AUTH: "false", JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json` });
});

afterAll(async () => {
  await worker?.close();
  await new Promise((resolve) => keySet?.close(resolve));
});

/** The status and error code of a refused upgrade. */
function refusal(err: unknown): { status: number; error: string } {
  if (!(err instanceof RefusedUpgrade)) throw new Error(`expected a refused upgrade, got ${String(err)}`);
  return { status: err.status, error: (JSON.parse(err.body) as { error: string }).error };
}

describe("remote JWKS", () => {
  it("503 auth_unavailable while the key set fails, then the same token connects", async () => {
    const room = freshRoom();
    const token = await signEs256Token("jwks-user", privateKey);
    const headers = { Authorization: `Bearer ${token}` };
    const refused = await openSocket(worker.roomUrl(room), { headers }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal(refused)).toEqual({ status: 503, error: "auth_unavailable" });

    serving = "keys";
    const alice = await openSocket(worker.roomUrl(room), { headers });
    expect((await alice.frames.next("welcome")).user).toMatchObject({ id: "jwks-user" });
    alice.ws.close();
  });

  it("401 token_invalid for a token signed by a key not in the set", async () => {
    serving = "keys";
    const stranger = await signEs256Token("stranger");
    const refused = await openSocket(worker.roomUrl(freshRoom()), {
      headers: { Authorization: `Bearer ${stranger}` },
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal(refused)).toEqual({ status: 401, error: "token_invalid" });
  });
});
