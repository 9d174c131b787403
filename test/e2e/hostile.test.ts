// The hostile suite: every case below attacks the running worker (upgrades,
// tokens, frames, schemas, unicode, protocol state, exhaustion). After each one,
// two witnesses must still exchange a fresh message in the case's room, the
// stored history must be exactly the messages the server acknowledged, and
// nothing the server sent may carry a stack trace, a secret or a token. The
// figures are printed at the end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshIp } from "../helpers/guard-client";
import { caseList } from "./hostile/cases";
import { HOSTILE_LIMITS } from "./hostile/limits";
import { CaseWorld, leakIn } from "./hostile/world";
import { type RunningWorker, startWorker } from "./worker-harness";

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker({ ...HOSTILE_LIMITS });
});

const figures = { cases: 0, failed: 0, crashes: 0, badDataStored: 0, leaks: 0, witnessFailures: 0 };

afterAll(async () => {
  await worker?.close();
  console.log(
    [
      "hostile suite figures",
      `  cases             ${figures.cases}`,
      `  failed cases      ${figures.failed}`,
      `  crashes           ${figures.crashes}`,
      `  bad data stored   ${figures.badDataStored}`,
      `  leaks             ${figures.leaks}`,
      `  witness failures  ${figures.witnessFailures}`,
    ].join("\n"),
  );
});

/** Two fresh users in the case's room exchange a fresh message. */
async function witnessesChat(world: CaseWorld): Promise<boolean> {
  try {
    const a = await world.join({ ip: freshIp() });
    const b = await world.join({ ip: freshIp() });
    const content = `witness ${crypto.randomUUID()}`;
    const ack = await a.message(content);
    const seen = await b.frames.nextMatching(
      (f): f is Extract<typeof f, { type: "room_message" }> =>
        f.type === "room_message" && f.content === content,
      "the witness message",
    );
    return ack.type === "ack" && seen.seq === ack.seq;
  } catch {
    return false;
  }
}

describe("hostile suite", () => {
  it("has at least 60 cases", () => {
    expect(caseList.length).toBeGreaterThanOrEqual(60);
  });

  for (const hostile of caseList) {
    it(`${hostile.group}: ${hostile.name}`, async () => {
      const world = new CaseWorld(worker);
      figures.cases += 1;
      try {
        await hostile.run(world);
      } catch (err) {
        // An unmet expectation of the case itself (the server's crashes are counted below).
        figures.failed += 1;
        if (world.crashes.length > 0) figures.crashes += 1;
        world.closeAll();
        throw err;
      }
      const witnessed = await witnessesChat(world);
      if (!witnessed) figures.witnessFailures += 1;

      const stored = await world.storedMessages();
      const accepted = world.acceptedMessages();
      const storedAsMap = new Map(stored.map((m) => [m.seq, m.content]));
      const exact =
        storedAsMap.size === accepted.size &&
        [...accepted].every(([seq, content]) => storedAsMap.get(seq) === content);
      if (!exact) figures.badDataStored += 1;

      const leaks = world.transcript.map(leakIn).filter((l) => l !== undefined);
      if (leaks.length > 0) figures.leaks += 1;
      if (world.crashes.length > 0) figures.crashes += 1;
      world.closeAll();

      expect(world.crashes).toEqual([]);
      expect(witnessed).toBe(true);
      expect(stored.map((m) => [m.seq, m.content])).toEqual([...accepted].sort(([x], [y]) => x - y));
      expect(leaks).toEqual([]);
    });
  }
});
