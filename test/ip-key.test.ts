// The guard's key for a client address: IPv4 as is, IPv6 per /64.
import { describe, expect, it } from "vitest";
import { clientIp } from "../src/guard/client-ip";
import { ipKey } from "../src/guard/ip-key";

describe("ipKey", () => {
  it("keeps IPv4 addresses and maps IPv6 to its /64", () => {
    expect(ipKey("203.0.113.7")).toBe("203.0.113.7");
    expect(ipKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(ipKey("2001:db8:1:2::7")).toBe("2001:db8:1:2::/64");
    expect(ipKey("2001:DB8:0001:0002::")).toBe("2001:db8:1:2::/64");
    expect(ipKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(ipKey("::1")).toBe("0:0:0:0::/64");
    expect(ipKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
  });

  it("is idempotent, so a key given back (admin API) finds the same block", () => {
    for (const ip of ["198.51.100.1", "2001:db8:1:2::7", "::ffff:192.0.2.1", "2001:db8::1"]) {
      expect(ipKey(ipKey(ip))).toBe(ipKey(ip));
    }
  });

  it("counts IPv4-mapped IPv6 as the IPv4 address it carries", () => {
    expect(ipKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(ipKey("::ffff:c000:0201")).toBe("192.0.2.1");
    expect(ipKey("2001:db8:1:2::192.0.2.1")).toBe("2001:db8:1:2::/64");
  });

  it("leaves text that is not an address alone (it can only match itself)", () => {
    for (const text of [
      "2001:db8:::1",
      "1:2:3:4:5:6:7:8:9",
      "2001:db8::g",
      "::ffff:300.1.1.1",
      "a::b::c",
      "::/48",
    ]) {
      expect(ipKey(text)).toBe(text);
    }
  });

  it("is what the worker keys a request by", () => {
    const req = (ip: string) => new Request("http://x/", { headers: { "CF-Connecting-IP": ` ${ip} ` } });
    expect(clientIp(req("2001:db8:1:2::9"))).toBe("2001:db8:1:2::/64");
    expect(clientIp(new Request("http://x/"))).toBeUndefined();
  });
});
