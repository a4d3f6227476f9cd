import { entryAllows, normaliseHost, type Destination } from "./allow-entry.js";
import type { AgentNetworkPolicy } from "./types.js";

export type Checked<T> = ({ ok: true } & T) | { ok: false; reason: string };

/** A request the policy allows: the URL as it will be sent upstream. */
export interface AllowedRequest {
  url: URL;
  destination: Destination;
}

/**
 * Checks a plain HTTP request (the request line in absolute form, as clients send it to a proxy)
 * before anything is resolved.
 */
export function checkPlainRequest(policy: AgentNetworkPolicy, method: string, target: string, rawHeaders: readonly string[]): Checked<AllowedRequest> {
  if (/^https:/i.test(target)) return { ok: false, reason: "an https:// URL must go through a CONNECT tunnel" };
  if (!/^http:\/\//i.test(target)) return { ok: false, reason: "not an absolute http:// URL: only proxy requests are served" };
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { ok: false, reason: "the URL does not parse" };
  }
  return checkRequest(policy, method, url, rawHeaders, 80);
}

/**
 * Checks a request read inside an intercepted HTTPS tunnel: origin-form (`GET /path`), for the
 * tunnel's own host and port, whose Host header must name them too (another Host inside an
 * allowed tunnel would reach another virtual host of the same server).
 */
export function checkTunnelledRequest(
  policy: AgentNetworkPolicy,
  tunnel: Destination,
  method: string,
  target: string,
  rawHeaders: readonly string[],
): Checked<AllowedRequest> {
  if (!target.startsWith("/")) return { ok: false, reason: "inside a tunnel only a path (origin-form) is accepted" };
  const authority = `${tunnel.host.includes(":") ? `[${tunnel.host}]` : tunnel.host}:${tunnel.port}`;
  let url: URL;
  try {
    url = new URL(`https://${authority}${target}`);
  } catch {
    return { ok: false, reason: "the URL does not parse" };
  }
  if (normaliseHost(url.hostname) !== tunnel.host) return { ok: false, reason: "the path names another host" };
  return checkRequest(policy, method, url, rawHeaders, 443);
}

// One Host header, naming the URL's authority (another Host is how a request reaches a virtual
// host the line does not name); no body framing two ways; an allowed destination and method.
function checkRequest(policy: AgentNetworkPolicy, method: string, url: URL, rawHeaders: readonly string[], defaultPort: number): Checked<AllowedRequest> {
  if (url.username !== "" || url.password !== "") return { ok: false, reason: "a URL with credentials in it is refused" };
  const framing = framingProblem(url, rawHeaders);
  if (framing) return { ok: false, reason: framing };
  const destination: Destination = { host: normaliseHost(url.hostname), port: Number(url.port || defaultPort), path: url.pathname };
  if (!policy.entries.some((entry) => entryAllows(entry, destination, defaultPort))) return { ok: false, reason: "not on the allow list" };
  if (!(policy.methods as readonly string[]).includes(method)) {
    return { ok: false, reason: `method ${method} is not allowed (allowed: ${policy.methods.join(", ")})` };
  }
  return { ok: true, url, destination };
}

function framingProblem(url: URL, rawHeaders: readonly string[]): string | undefined {
  const values = (name: string) => rawHeaders.filter((_, i) => i % 2 === 1 && rawHeaders[i - 1]?.toLowerCase() === name);
  const hosts = values("host");
  if (hosts.length !== 1) return `${hosts.length} Host headers: exactly one must name the URL's host`;
  if (hostOf(hosts[0] ?? "", url.protocol) !== url.host) return `the Host header (${hosts[0]}) does not name the URL's host (${url.host})`;
  const lengths = values("content-length");
  const encodings = values("transfer-encoding");
  if (lengths.length > 0 && encodings.length > 0) return "both Content-Length and Transfer-Encoding: the body could be read two ways";
  if (lengths.length > 1) return "more than one Content-Length";
  if (encodings.length > 0 && (encodings.length > 1 || encodings[0]?.trim().toLowerCase() !== "chunked")) return "a Transfer-Encoding other than chunked";
  return undefined;
}

// Parsed with the URL's own scheme, so that its default port is left out on both sides.
function hostOf(header: string, protocol: string): string | undefined {
  try {
    const parsed = new URL(`${protocol}//${header.trim()}/`);
    return parsed.pathname === "/" && parsed.username === "" ? parsed.host : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks a CONNECT request's authority (`host:port`). When the tunnel's requests are not looked
 * into (`inspected` false) only entries without a URL prefix allow it, since the path would not
 * be seen; when they are, each request inside is checked again (checkTunnelledRequest).
 */
export function checkTunnelRequest(policy: AgentNetworkPolicy, authority: string, inspected: boolean): Checked<{ destination: Destination }> {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(authority);
  if (!match) return { ok: false, reason: "a CONNECT target must be host:port" };
  let host: string;
  try {
    host = normaliseHost(match[1] ?? "");
  } catch {
    return { ok: false, reason: "the CONNECT host does not parse" };
  }
  const destination: Destination = { host, port: Number(match[2]) };
  if (policy.entries.some((entry) => entryAllows(entry, destination, 443))) return { ok: true, destination };
  const prefixOnly = policy.entries.some((entry) => entry.pathPrefix !== undefined && entryAllows({ ...entry, pathPrefix: undefined }, destination, 443));
  if (prefixOnly && inspected) return { ok: true, destination };
  return {
    ok: false,
    reason: prefixOnly ? "only URL prefixes of this host are allowed, and the path inside an HTTPS tunnel cannot be checked" : "not on the allow list",
  };
}
