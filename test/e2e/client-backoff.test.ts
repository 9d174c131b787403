// Reconnect backoff: the delay formula, and the schedule a client actually
// follows through an outage of the real worker (a proxy refuses connections),
// driven by a fake clock so every delay is asserted exactly and nothing sleeps.
import { describe, expect, it } from "vitest";
import { backoffDelay, type ClientOptions, DEFAULT_RECONNECT } from "../../src/client";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { FakeTiming } from "./client-fake-timing";
import { useWorkerClients } from "./client-fixture";
import { Recorder } from "./client-recorder";
import { startScriptedServer } from "./client-scripted-server";

describe("backoffDelay", () => {
  it("doubles from 1 s up to the 30 s cap without jitter", () => {
    const options = { ...DEFAULT_RECONNECT, jitter: "none" as const };
    const delays = [0, 1, 2, 3, 4, 5, 6, 20, 5000].map((n) => backoffDelay(n, options, Math.random));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  });

  it("draws full jitter uniformly below the ceiling", () => {
    expect(backoffDelay(0, DEFAULT_RECONNECT, () => 0)).toBe(0);
    expect(backoffDelay(3, DEFAULT_RECONNECT, () => 0.5)).toBe(4000);
    expect(backoffDelay(3, DEFAULT_RECONNECT, () => 0.999999)).toBe(7999);
    expect(backoffDelay(12, DEFAULT_RECONNECT, () => 0.999999)).toBe(29999);
  });
});

describe("reconnecting through an outage of the real worker", () => {
  const fx = useWorkerClients({ proxy: true });

  async function connectedClient(timing: FakeTiming, reconnect: ClientOptions["reconnect"]) {
    const token = await signTestToken({ sub: "bo" });
    return fx.connect({ room: freshRoom(), token, timing, reconnect, heartbeat: false });
  }

  /** Fires the pending reconnect timer and waits for the attempt's outcome. */
  async function failOnce(timing: FakeTiming, rec: Recorder, delay: number): Promise<void> {
    const before = rec.states.length;
    timing.fire(delay);
    await rec.until(
      () =>
        rec.states.slice(before).some((s) => s.status === "reconnecting" || s.status === "closed")
          ? true
          : undefined,
      "the next failed attempt",
    );
  }

  it("follows the seed's schedule (1 s base, doubling, 5 attempts) and then gives up", async () => {
    const timing = new FakeTiming();
    const { rec } = await connectedClient(timing, { jitter: "none", maxAttempts: 5 });
    fx.proxy.block();
    fx.proxy.dropAll();
    await rec.state("reconnecting");
    for (const delay of [1000, 2000, 4000, 8000, 16000]) {
      expect(timing.pending()).toEqual([delay]);
      await failOnce(timing, rec, delay);
    }
    expect(rec.delays()).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(await rec.closedKind()).toBe("gave-up");
    expect(timing.pending()).toEqual([]);
  });

  it("uses full jitter under the 30 s cap, and starts over after a successful reconnect", async () => {
    const timing = new FakeTiming();
    const draws = [0.25, 0.5, 0.75, 0.9, 0.1, 0.99, 0.99, 0.5];
    timing.nextRandom = () => draws.shift() ?? 0.5;
    const { client, rec } = await connectedClient(timing, {});
    fx.proxy.block();
    fx.proxy.dropAll();
    await rec.state("reconnecting");
    // Ceilings 1, 2, 4, 8, 16, 30 (capped) s, each times its draw.
    for (const delay of [250, 1000, 3000, 7200, 1600]) await failOnce(timing, rec, delay);
    expect(rec.delays()).toEqual([250, 1000, 3000, 7200, 1600, 29700]);
    expect(rec.delays().every((d) => d < 30_000)).toBe(true);

    // The server is back: the next attempt succeeds, and the next drop starts from 1 s again.
    fx.proxy.block(false);
    timing.fire(29700);
    await rec.state("open");
    fx.proxy.dropAll();
    await rec.until(() => (rec.delays().length === 7 ? true : undefined), "a new reconnecting state");
    expect(rec.delays()[6]).toBe(Math.floor(0.99 * 1000));
    timing.fire(990);
    await rec.state("open");
    expect(client.state.status).toBe("open");
  });

  it("waits longer after a 4008 close (repeated rate-limit violations)", async () => {
    // The worker closes with 4008 only after RATE_LIMIT_STRIKES refused frames; a scripted
    // server sends the close directly so the rule is tested in isolation.
    const server = await startScriptedServer([4008]);
    try {
      const timing = new FakeTiming();
      const client = fx.client({
        url: server.url,
        room: "scripted",
        token: "t",
        timing,
        heartbeat: false,
        reconnect: { rateLimitedDelayMs: 60_000 },
      });
      const rec = new Recorder(client);
      void client.connect();
      const state = await rec.state("reconnecting");
      expect(state.reason).toMatchObject({ code: 4008, kind: "rate-limited" });
      expect(state.delayMs).toBe(60_000 + 500);
    } finally {
      await server.close();
    }
  });
});
