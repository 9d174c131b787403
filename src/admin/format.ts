/** How the dashboard writes numbers, rates and times. */

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

/** A count: `12,345`. */
export function count(n: number): string {
  return integer.format(n);
}

/** A rate per second: `0.25/s`. */
export function perSecond(n: number): string {
  return `${decimal.format(n)}/s`;
}

/** A share: `1.5 %`. */
export function percent(share: number): string {
  return `${decimal.format(share * 100)} %`;
}

/** Milliseconds, or a dash without a value. */
export function ms(value: number | null): string {
  return value === null ? "–" : `${decimal.format(value)} ms`;
}

/** A time of day: `14:05`. */
export function clock(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

/** A date and time: for block expiries. */
export function dateTime(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
