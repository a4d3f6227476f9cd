import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { TLSSocket } from "node:tls";
import type { Destination } from "./allow-entry.js";
import { forwardRequest, openTunnel, track } from "./forward.js";
import { checkPlainRequest, checkTunnelledRequest, checkTunnelRequest } from "./request-check.js";
import { resolveDestination, type LookupAddresses } from "./resolve-destination.js";
import type { TaskCa } from "./task-ca.js";
import type { AgentNetworkPolicy, BlockedRequest } from "./types.js";

/** An intercepted tunnel: where its requests may go, and the address checked for it. */
export interface Tunnel {
  destination: Destination;
  address: string;
}

/** What the proxy's handlers share (egress-proxy.ts makes it once per proxy). */
export interface ProxyContext {
  policy: AgentNetworkPolicy;
  lookup: LookupAddresses;
  /** Every open socket, for close() to cut. */
  sockets: Set<Duplex>;
  /** Records a refusal (with the running command). */
  block(blocked: Omit<BlockedRequest, "command">): void;
  /** The intercepted tunnels' TLS sockets, and the server that reads their requests. */
  tunnels: WeakMap<object, Tunnel>;
  inner: Server;
  ca?: TaskCa;
  upstreamCa?: string;
}

export async function handlePlain(ctx: ProxyContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const method = request.method ?? "";
  const target = request.url ?? "";
  const checked = checkPlainRequest(ctx.policy, method, target, request.rawHeaders);
  const resolved = checked.ok ? await resolveDestination(checked.destination.host, ctx.lookup) : checked;
  if (!checked.ok || !resolved.ok) {
    const reason = !checked.ok ? checked.reason : !resolved.ok ? resolved.reason : "";
    ctx.block({ method, target, reason });
    response.writeHead(403, { "content-type": "text/plain", connection: "close" }).end(`codex-bot agent network: blocked: ${reason}\n`);
    return;
  }
  forwardRequest(request, response, { url: checked.url, address: resolved.address, port: checked.destination.port }, ctx.sockets);
}

export function handleTunnelled(ctx: ProxyContext, request: IncomingMessage, response: ServerResponse): void {
  const tunnel = ctx.tunnels.get(request.socket);
  const method = request.method ?? "";
  const checked = tunnel ? checkTunnelledRequest(ctx.policy, tunnel.destination, method, request.url ?? "", request.rawHeaders) : undefined;
  if (!tunnel || !checked?.ok) {
    const reason = checked && !checked.ok ? checked.reason : "not in a tunnel";
    const where = tunnel ? `https://${tunnel.destination.host}${tunnel.destination.port === 443 ? "" : `:${tunnel.destination.port}`}` : "";
    ctx.block({ method, target: `${where}${request.url ?? ""}`, reason });
    response.writeHead(403, { "content-type": "text/plain", connection: "close" }).end(`codex-bot agent network: blocked: ${reason}\n`);
    return;
  }
  const servername = tunnel.destination.host;
  forwardRequest(request, response, { url: checked.url, address: tunnel.address, port: tunnel.destination.port, tls: { servername, ca: ctx.upstreamCa } }, ctx.sockets);
}

// Answers the CONNECT, then speaks TLS to the client as the allowed host, and hands the
// decrypted stream to the inner server, whose requests are checked one by one.
function intercept(ctx: ProxyContext, client: Duplex, head: Buffer, tunnel: Tunnel, ca: TaskCa): void {
  client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
  if (head.length > 0) client.unshift(head);
  const secure = new TLSSocket(client, { isServer: true, secureContext: ca.contextFor(tunnel.destination.host), ALPNProtocols: ["http/1.1"] });
  track(ctx.sockets, secure);
  ctx.tunnels.set(secure, tunnel);
  ctx.inner.emit("connection", secure);
}

export async function handleConnect(ctx: ProxyContext, request: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
  const target = request.url ?? "";
  const checked = checkTunnelRequest(ctx.policy, target, ctx.ca !== undefined);
  const resolved = checked.ok ? await resolveDestination(checked.destination.host, ctx.lookup) : checked;
  if (!checked.ok || !resolved.ok) {
    const reason = !checked.ok ? checked.reason : !resolved.ok ? resolved.reason : "";
    ctx.block({ method: "CONNECT", target, reason });
    refuseRaw(client, 403, `blocked: ${reason}`);
    return;
  }
  if (ctx.ca) intercept(ctx, client, head, { destination: checked.destination, address: resolved.address }, ctx.ca);
  else openTunnel(client, head, { address: resolved.address, port: checked.destination.port }, ctx.sockets);
}

// Upgrades (WebSockets) would turn into an unchecked byte stream; a request the parser refuses is
// not guessed at.
export function refuseTheRest(server: Server, block: (blocked: Omit<BlockedRequest, "command">) => void): void {
  server.on("upgrade", (request: IncomingMessage, client: Duplex) => {
    block({ method: request.method ?? "?", target: request.url ?? "", reason: "connection upgrades (WebSockets) are not supported" });
    refuseRaw(client, 403, "connection upgrades are not supported");
  });
  server.on("clientError", (error: NodeJS.ErrnoException, client: Duplex) => {
    if (error.code === "ECONNRESET") return void client.destroy();
    // A client that does not trust the task's CA ends here, in the handshake, before any request.
    if (client instanceof TLSSocket && /SSL|TLS|CERT/i.test(`${error.code ?? ""} ${error.message}`)) {
      block({ method: "?", target: "(TLS handshake)", reason: `TLS with the client failed (${error.code ?? error.message}); it must trust the task's CA` });
      return void client.destroy();
    }
    block({ method: "?", target: "(unparsable request)", reason: `malformed HTTP (${error.code ?? error.message})` });
    refuseRaw(client, 400, "malformed request");
  });
}

export function refuseRaw(client: Duplex, status: number, text: string): void {
  const body = `codex-bot agent network: ${text}\n`;
  const reason = status === 403 ? "Forbidden" : "Bad Request";
  if (!client.writable) return void client.destroy();
  client.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
