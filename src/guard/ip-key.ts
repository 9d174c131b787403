/**
 * The key the guard counts an address under. IPv4 addresses count one by one.
 * IPv6 addresses count per /64: one subscriber usually holds a whole /64 (a
 * home router hands every device its own address in it), so counting single
 * IPv6 addresses would give one attacker 2^64 fresh identities and make every
 * per-IP limit and block worthless. IPv4-mapped IPv6 (`::ffff:192.0.2.1`)
 * counts as the IPv4 address it carries.
 */

/** The suffix of an IPv6 key: the whole /64 the address belongs to. */
const V6_PREFIX = "/64";

/**
 * The guard's key for an address: the IPv4 address itself, or its IPv6 /64
 * written `2001:db8:1:2::/64`. An already-made key maps to itself; text that
 * is not an address is returned unchanged (it can only ever match itself).
 * @example ipKey("2001:db8:1:2:aaaa::7") // "2001:db8:1:2::/64"
 * @example ipKey("::ffff:192.0.2.1") // "192.0.2.1"
 */
export function ipKey(ip: string): string {
  if (!ip.includes(":")) return ip;
  const hextets = parseIpv6(ip.endsWith(V6_PREFIX) ? ip.slice(0, -V6_PREFIX.length) : ip);
  if (!hextets) return ip;
  const mapped = hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff;
  if (mapped) {
    const [hi = 0, lo = 0] = hextets.slice(6);
    return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join(".");
  }
  return `${hextets
    .slice(0, 4)
    .map((h) => h.toString(16))
    .join(":")}::${V6_PREFIX}`;
}

const HEXTET = /^[0-9a-f]{1,4}$/i;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The eight 16-bit groups of an IPv6 address, or undefined when it is not one. */
function parseIpv6(text: string): number[] | undefined {
  // A zone (`fe80::1%eth0`) names an interface on the client's side: not part of the address.
  const address = text.split("%")[0] ?? "";
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const groups = halves.map((half) => (half === "" ? [] : half.split(":")));
  const parts: number[][] = [];
  for (const [i, half] of groups.entries()) {
    const values: number[] = [];
    for (const [j, group] of half.entries()) {
      const last = i === groups.length - 1 && j === half.length - 1;
      const v4 = last ? IPV4.exec(group) : null;
      if (v4) {
        const bytes = v4.slice(1).map(Number);
        if (bytes.some((b) => b > 255)) return undefined;
        const [a = 0, b = 0, c = 0, d = 0] = bytes;
        values.push((a << 8) | b, (c << 8) | d);
      } else if (HEXTET.test(group)) {
        values.push(Number.parseInt(group, 16));
      } else {
        return undefined;
      }
    }
    parts.push(values);
  }
  const [head = [], tail = []] = parts;
  if (parts.length === 1) return head.length === 8 ? head : undefined;
  const zeros = 8 - head.length - tail.length;
  if (zeros < 1) return undefined;
  return [...head, ...Array<number>(zeros).fill(0), ...tail];
}
