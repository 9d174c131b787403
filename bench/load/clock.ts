/**
 * The bench's clock: the system-wide monotonic clock in microseconds. It is the
 * same clock in every thread and process on the machine, so a send timestamp
 * taken in one load thread can be compared with a receive time in another.
 */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
