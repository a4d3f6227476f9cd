import { isIPv4, isIPv6 } from "node:net";
import { addressRefusal } from "./address-policy.js";

/**
 * One `agent_network.allow` entry: a host name (`registry.npmjs.org`), a wildcard for its
 * subdomains (`*.pythonhosted.org`, which does not match `pythonhosted.org` itself), or a host and
 * URL prefix (`docs.python.org/3/`); optionally with a port (`example.com:8443`); or a public IP
 * literal (IPv6 in brackets), which only a request for that very literal matches.
 */
export interface AllowEntry {
  /** As written, for messages. */
  text: string;
  /** Lower case, without brackets for IPv6; for a wildcard the suffix after `*.`. */
  host: string;
  wildcard: boolean;
  /** An IP literal, which only a request for that very literal matches. */
  literal: boolean;
  /** When absent: 80 for plain HTTP, 443 for a CONNECT tunnel. */
  port?: number;
  /** A URL path prefix ("/3/"); plain HTTP only, since inside a tunnel the path is not seen. */
  pathPrefix?: string;
}

/** What a request asks for: a host (normalised as a WHATWG URL does), a port and, for plain HTTP, the path. */
export interface Destination {
  host: string;
  port: number;
  /** Absent for a CONNECT tunnel whose requests are not looked into. */
  path?: string;
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?$/;
// Encoded dots, slashes and backslashes are how a path escapes a prefix on servers that decode them.
const UNSAFE_PATH = /%2e|%2f|%5c|\\|[?#\s]/i;
const ENCODED_PATH_ESCAPE = /%2e|%2f|%5c|\\/i;

/** Parses an entry; a string says what is wrong with it. */
export function parseAllowEntry(raw: string): AllowEntry | string {
  const text = raw.trim();
  if (text.includes("://")) return `write the host without a scheme, e.g. ${text.replace(/^\w+:\/\//, "")}`;
  const slash = text.indexOf("/");
  const authority = (slash === -1 ? text : text.slice(0, slash)).toLowerCase();
  const path = slash === -1 ? undefined : text.slice(slash);
  const pathProblem = path === undefined ? undefined : checkPath(path);
  if (pathProblem) return pathProblem;
  const hostPort = splitPort(authority);
  if (typeof hostPort === "string") return hostPort;
  const host = checkHost(hostPort.host);
  if (typeof host === "string") return host;
  return {
    text, ...host,
    ...(hostPort.port === undefined ? {} : { port: hostPort.port }),
    ...(path === undefined || path === "/" ? {} : { pathPrefix: path }),
  };
}

function checkPath(path: string): string | undefined {
  if (UNSAFE_PATH.test(path)) return "a URL prefix may not hold a query, a fragment, spaces, backslashes or encoded dots and slashes";
  if (path.split("/").some((segment) => segment === "." || segment === "..")) return "a URL prefix may not hold `.` or `..` segments";
  return undefined;
}

function splitPort(authority: string): { host: string; port?: number } | string {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(authority);
  if (!match) return "must be a host name such as registry.npmjs.org (an IPv6 address in brackets)";
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return "the port must be between 1 and 65535";
  return { host: match[1] ?? "", ...(port === undefined ? {} : { port }) };
}

function checkHost(host: string): Pick<AllowEntry, "host" | "wildcard" | "literal"> | string {
  const bare = host.startsWith("[") ? host.slice(1, -1) : host;
  if (host.startsWith("[") ? isIPv6(bare) : isIPv4(bare)) {
    const refusal = addressRefusal(bare, new Set());
    if (refusal) return `${refusal}; only public addresses can be allowed`;
    return { host: normaliseHost(host), wildcard: false, literal: true };
  }
  const wildcard = host.startsWith("*.");
  const name = wildcard ? host.slice(2) : host;
  const labels = name.split(".");
  if (labels.length < 2 || name.length > 253 || !labels.every((label) => LABEL.test(label))) {
    return wildcard
      ? "a wildcard is `*.` and then a domain with at least two labels, such as *.pythonhosted.org"
      : "must be a full host name such as registry.npmjs.org (single-label names are local), `*.domain`, or host/path";
  }
  if (/^\d+$/.test(labels.at(-1) ?? "")) return "looks like an IP address: write it in full, as four decimal parts";
  return { host: name, wildcard, literal: false };
}

/** A host as a WHATWG URL writes it (lower case, IPv4 in four decimal parts, IPv6 compressed), without IPv6 brackets. */
export function normaliseHost(host: string): string {
  return new URL(`http://${host}/`).hostname.replace(/^\[(.*)\]$/, "$1");
}

/**
 * Whether `entry` lets a request reach `destination`. `defaultPort` is the scheme's (80 for
 * http, 443 for https); a destination without a path (a tunnel not looked into) matches no
 * URL-prefix entry.
 */
export function entryAllows(entry: AllowEntry, destination: Destination, defaultPort: number): boolean {
  if ((entry.port ?? defaultPort) !== destination.port) return false;
  if (!hostMatches(entry, destination.host)) return false;
  if (entry.pathPrefix === undefined) return true;
  // A server that decodes %2F or %2E would see another path than the one compared here.
  return destination.path !== undefined && !ENCODED_PATH_ESCAPE.test(destination.path) && destination.path.startsWith(entry.pathPrefix);
}

function hostMatches(entry: AllowEntry, host: string): boolean {
  const literal = isIPv4(host) || isIPv6(host);
  if (entry.literal || literal) return entry.literal && literal && entry.host === host;
  return entry.wildcard ? host.endsWith(`.${entry.host}`) : host === entry.host;
}

/**
 * Whether the operator's `ceiling` entry allows everything `entry` does, so that a repository's
 * entry may be kept: the same port, a host it covers, and a path within its prefix.
 */
export function entryCovers(ceiling: AllowEntry, entry: AllowEntry): boolean {
  if (ceiling.port !== entry.port) return false;
  if (ceiling.pathPrefix !== undefined && !(entry.pathPrefix ?? "").startsWith(ceiling.pathPrefix)) return false;
  if (ceiling.literal || entry.literal) return ceiling.literal && entry.literal && ceiling.host === entry.host;
  if (!ceiling.wildcard) return !entry.wildcard && entry.host === ceiling.host;
  return entry.host.endsWith(`.${ceiling.host}`) || (entry.wildcard && entry.host === ceiling.host);
}
