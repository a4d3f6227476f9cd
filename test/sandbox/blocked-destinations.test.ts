import { BLOCKED_RANGES, blockedDestinations } from "../../src/sandbox/blocked-destinations.js";

describe("blockedDestinations", () => {
  test("blocks private, carrier-grade NAT, link-local (cloud metadata) and multicast ranges", () => {
    for (const range of ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "224.0.0.0/3"]) {
      expect(BLOCKED_RANGES).toContain(range);
    }
  });

  test("adds each of the host's own IPv4 addresses, not loopback nor IPv6", () => {
    const interfaces = {
      lo: [{ address: "127.0.0.1", family: "IPv4", internal: true }],
      eth0: [
        { address: "203.0.113.7", family: "IPv4", internal: false },
        { address: "2001:db8::7", family: "IPv6", internal: false },
      ],
      docker0: [{ address: "172.17.0.1", family: "IPv4", internal: false }],
    } as unknown as Parameters<typeof blockedDestinations>[0];
    const blocked = blockedDestinations(interfaces);
    expect(blocked).toEqual([...BLOCKED_RANGES, "203.0.113.7/32", "172.17.0.1/32"]);
  });
});
