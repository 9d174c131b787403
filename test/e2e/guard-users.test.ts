// Many people behind one address: the address's limit (CONNECT_RATE_PER_MINUTE)
// is generous and each user behind a busy address has their own budget
// (USER_CONNECT_RATE_PER_MINUTE), so one person reconnecting a lot is refused
// alone while their colleagues keep connecting, and a flood from the address is
// still refused. Tuned small here (40 per address, 5 per user) as an operator would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, freshIp, tryUpgrade } from "../helpers/guard-client";
import { freshRoom, signTestToken } from "../helpers/tokens";
import { type RunningWorker, startWorker } from "./worker-harness";

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker({ CONNECT_RATE_PER_MINUTE: "40", USER_CONNECT_RATE_PER_MINUTE: "5" });
});
afterAll(async () => {
  await worker?.close();
});

describe("an office behind one address", () => {
  it("refuses the one user over their budget, admits the others, and still refuses a flood", async () => {
    const office = freshIp();
    const room = freshRoom();
    const tokens = await Promise.all(
      Array.from({ length: 7 }, (_, i) => signTestToken({ sub: `colleague-${i}-${crypto.randomUUID()}` })),
    );
    const [reloader = "", ...others] = tokens;
    // The reloader: the address is quiet for its first 5 connects (no user is
    // counted, no second call); from the 6th it is busy and the user's budget
    // counts, so a user gets at most twice the budget in a minute, then 429.
    const answers = [];
    for (let i = 0; i < 12; i++)
      answers.push(await tryUpgrade(worker, room, { ip: office, token: reloader }));
    expect(answers.map((a) => a.status)).toEqual([
      101, 101, 101, 101, 101, 101, 101, 101, 101, 101, 429, 429,
    ]);
    expect(Number(answers[10]?.retryAfter)).toBeGreaterThan(0);
    const api = await call(worker, "GET", `/v1/rooms/${room}/messages`, { ip: office, token: reloader });
    expect([api.status, api.body.error, api.body.message]).toEqual([
      429,
      "too_many_connects",
      "too many connects by this user; retry later",
    ]);
    // Five colleagues connect five times each (a budget's worth): all admitted.
    for (const token of others.slice(0, 5)) {
      for (let i = 0; i < 5; i++)
        expect((await tryUpgrade(worker, room, { ip: office, token })).status).toBe(101);
    }
    // One more colleague, and then a flood of fresh users: refused at the address's limit (40).
    expect((await tryUpgrade(worker, room, { ip: office, token: others[5] })).status).toBe(101);
    let admitted = 0;
    let refusal: Awaited<ReturnType<typeof tryUpgrade>> | undefined;
    for (let i = 0; i < 20 && !refusal; i++) {
      const token = await signTestToken({ sub: `flood-${i}-${crypto.randomUUID()}` });
      const answer = await tryUpgrade(worker, room, { ip: office, token });
      if (answer.status === 101) admitted += 1;
      else refusal = answer;
    }
    expect(refusal).toMatchObject({ status: 429, error: "too_many_connects" });
    // The address counted every attempt it let through to the token check: the
    // reloader's 12 and its API call, 25 + 1 colleagues' = 39 of 40: one more fits.
    expect(admitted).toBe(1);
  });
});
