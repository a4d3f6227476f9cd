import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect, isIP } from "node:net";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import type { Duplex } from "node:stream";

/** Where a checked request goes: the address that was checked, never the name again. */
export interface PinnedTarget {
  address: string;
  port: number;
}

// Hop-by-hop headers (RFC 9110 7.6.1) and the proxy's own: never passed on.
const HOP_BY_HOP = new Set(["connection", "proxy-connection", "keep-alive", "proxy-authorization", "proxy-authenticate", "te", "trailer", "upgrade"]);

/** With `tls`, HTTPS upstream: verified as `servername` (the allowed name) against `ca` or the system's CAs. */
export interface ForwardTarget extends PinnedTarget {
  url: URL;
  tls?: { servername: string; ca: string | undefined };
}

/** Sends a checked request to its pinned address and streams the answer back. */
export function forwardRequest(request: IncomingMessage, response: ServerResponse, target: ForwardTarget, sockets: Set<Duplex>): void {
  const send = target.tls ? httpsRequest : httpRequest;
  const tls = target.tls
    ? { ...(isIP(target.tls.servername) === 0 ? { servername: target.tls.servername } : {}), rejectUnauthorized: true, ...(target.tls.ca ? { ca: target.tls.ca } : {}),
      // Node checks the certificate against `servername`, or against `host`, the address, without one.
      checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(target.tls?.servername ?? "", cert) }
    : {};
  const upstream = send({
    ...tls,
    host: target.address,
    port: target.port,
    method: request.method,
    // The normalised path (dot segments resolved): what was checked is what is sent.
    path: `${target.url.pathname}${target.url.search}`,
    headers: [...passOn(request.rawHeaders), "Connection", "close"],
    setHost: false,
    agent: false,
  });
  upstream.on("socket", (socket) => track(sockets, socket));
  upstream.on("response", (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.statusMessage, passOn(answer.rawHeaders));
    answer.pipe(response);
  });
  upstream.on("error", (error) => {
    if (response.headersSent) return void response.destroy();
    response.writeHead(502, { "content-type": "text/plain", connection: "close" }).end(`codex-bot agent network: upstream failed: ${error.message}\n`);
  });
  request.pipe(upstream);
}

/** Connects a CONNECT client to its pinned address and relays bytes both ways. */
export function openTunnel(client: Duplex, head: Buffer, target: PinnedTarget, sockets: Set<Duplex>): void {
  const upstream = connect({ host: target.address, port: target.port });
  track(sockets, upstream);
  let established = false;
  upstream.once("connect", () => {
    established = true;
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.once("error", () => {
    if (established || !client.writable) return void client.destroy();
    client.end("HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  });
  client.once("close", () => upstream.destroy());
  upstream.once("close", () => client.destroy());
}

/** Keeps `socket` in `sockets` while it is open, so that the proxy's close() can cut it. */
export function track(sockets: Set<Duplex>, socket: Duplex): void {
  sockets.add(socket);
  socket.once("close", () => sockets.delete(socket));
  socket.on("error", () => socket.destroy());
}

// A Connection header may name more headers to drop, but never these: without its checked Host
// or its framing, the request upstream would not be the one that was checked.
const ALWAYS_PASSED = new Set(["host", "content-length", "transfer-encoding"]);

function passOn(rawHeaders: readonly string[]): string[] {
  const named = new Set(HOP_BY_HOP);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === "connection") {
      for (const name of (rawHeaders[i + 1] ?? "").split(",").map((n) => n.trim().toLowerCase())) if (!ALWAYS_PASSED.has(name)) named.add(name);
    }
  }
  const kept: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? "";
    if (!named.has(name.toLowerCase())) kept.push(name, rawHeaders[i + 1] ?? "");
  }
  return kept;
}
