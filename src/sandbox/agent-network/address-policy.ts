import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";
import ipaddr from "ipaddr.js";
import { BLOCKED_RANGES } from "../blocked-destinations.js";

/** Ranges ipaddr.js calls 'unicast' that the proxy refuses all the same. */
const EXTRA_BLOCKED = [
  // IPv4-compatible (::a.b.c.d) and the rest of IANA's reserved ::/8: never a public host.
  "::/8",
  // The setup sandbox's list, for what ipaddr.js does not name (e.g. Azure's 168.63.129.16).
  ...BLOCKED_RANGES,
].map((cidr) => ipaddr.parseCIDR(cidr));

/**
 * Why the proxy must not connect to `address`, or undefined for a public unicast address. Only
 * ipaddr.js's 'unicast' range passes: private, loopback, link-local (cloud metadata), unique-local,
 * carrier-grade NAT, reserved, multicast, unspecified, 6to4, Teredo and NAT64 (which embed an IPv4
 * address that may be private) are all refused; an IPv4-mapped IPv6 address is judged as the IPv4
 * address it maps. The host's own addresses are refused too: the proxy runs on the host, where a
 * service on 0.0.0.0 answers on each of them.
 */
export function addressRefusal(address: string, ownAddresses: ReadonlySet<string> = hostOwnAddresses()): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = asJudged(address);
  const range = parsed.range();
  if (range !== "unicast") return `${address} is a ${range} address, not a public one`;
  if (EXTRA_BLOCKED.some(([base, bits]) => base.kind() === parsed.kind() && parsed.match(base, bits))) {
    return `${address} is in a blocked range, not a public address`;
  }
  if (ownAddresses.has(parsed.toNormalizedString())) return `${address} is this host's own address`;
  return undefined;
}

/** This host's addresses, normalised as ipaddr.js writes them. */
export function hostOwnAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): Set<string> {
  const addresses = Object.values(interfaces).flatMap((infos) => infos ?? []).map((info) => info.address.replace(/%.*$/, ""));
  return new Set(addresses.filter((address) => ipaddr.isValid(address)).map((address) => asJudged(address).toNormalizedString()));
}

// ipaddr.js parses every `::a.b.c.d` as IPv4-mapped (measured: ::8.8.8.8 becomes ::ffff:808:808),
// though the kernel does not, and glibc writes IPv4-compatible answers that way. So IPv6 goes
// through the WHATWG serialiser first, which writes hex only; then only mapped addresses are
// judged as the IPv4 address they map, and ::/8 is refused whole.
function asJudged(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const hex = address.includes(":") ? new URL(`http://[${address}]/`).hostname.slice(1, -1) : address;
  const parsed = ipaddr.parse(hex);
  return parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress() ? parsed.toIPv4Address() : parsed;
}
