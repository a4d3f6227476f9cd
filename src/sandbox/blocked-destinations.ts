import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";

/**
 * IPv4 ranges the setup sandbox may not reach, although slirp4netns would carry the traffic:
 * everything that is not "the internet". Package registries are public; what an install script
 * must not reach is the machine it runs on and the private network around it.
 * slirp4netns has no IPv6 unless asked (--enable-ipv6), so the sandbox has no IPv6 route at all.
 */
export const BLOCKED_RANGES = [
  "0.0.0.0/8", // "this network"
  "10.0.0.0/8", // private (slirp4netns's own 10.0.2.0/24 is more specific and stays reachable)
  "100.64.0.0/10", // carrier-grade NAT, Tailscale; Alibaba Cloud's metadata at 100.100.100.200
  "169.254.0.0/16", // link-local: the cloud metadata service (169.254.169.254) and its credentials
  "172.16.0.0/12", // private, Docker's bridges
  "192.0.0.0/24", // IETF protocol assignments
  "192.168.0.0/16", // private
  "198.18.0.0/15", // benchmarking, used by some VPNs
  "224.0.0.0/3", // multicast, reserved, broadcast
  "168.63.129.16/32", // Azure's host endpoint (WireServer), public-looking but answered by the host
];

/**
 * BLOCKED_RANGES plus each IPv4 address of this host: slirp4netns connects from the host, so a
 * service listening on 0.0.0.0 would otherwise be reachable through the host's own address.
 * (Its loopback is closed by --disable-host-loopback.)
 */
export function blockedDestinations(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string[] {
  const hostAddresses = Object.values(interfaces)
    .flatMap((infos) => infos ?? [])
    .filter((info) => info.family === "IPv4" && !info.internal)
    .map((info) => `${info.address}/32`);
  return [...new Set([...BLOCKED_RANGES, ...hostAddresses])];
}
