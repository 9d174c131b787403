/**
 * The one stats object every source reports to. One instance is enough at
 * this scale: sources report at most every `STATS_FLUSH_MS` (a thousand busy
 * rooms are a hundred reports a second); sharding it is the next step beyond.
 */
import type { StatsDO } from "./stats-do";

/** The stats object's name (there is one). */
export const STATS_OBJECT_NAME = "global";

/** The stub of the stats object. */
export function statsObject(env: Env): DurableObjectStub<StatsDO> {
  return env.STATS.getByName(STATS_OBJECT_NAME);
}
