import { chmod, chown, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { TLSSocket } from "node:tls";
import type { Destination } from "./allow-entry.js";
import { forwardRequest, openTunnel, track } from "./forward.js";
import { checkPlainRequest, checkTunnelledRequest, checkTunnelRequest } from "./request-check.js";
import { resolveDestination, systemLookup, type LookupAddresses } from "./resolve-destination.js";
import type { TaskCa } from "./task-ca.js";
import type { AgentNetworkPolicy, BlockedRequest } from "./types.js";

export interface EgressProxyOptions {
  /** Where to listen: a Unix socket, the sandbox's only way out (bind-mounted into it). */
  socketPath: string;
  policy: AgentNetworkPolicy;
  /** Told about every refused request, as it happens. */
  onBlocked: (blocked: BlockedRequest) => void;
  /** The command the sandbox is running now, to attribute a refusal to. */
  activity?: () => string | undefined;
  lookup?: LookupAddresses;
  /** The host user bubblewrap runs as, who must be able to connect to the socket. */
  socketOwner?: { uid: number; gid: number };
  /**
   * Read the requests inside HTTPS tunnels, presenting certificates from this CA (which the
   * sandbox trusts), so that methods and URL prefixes hold for HTTPS too. Without it a tunnel to
   * an allowed host carries whatever the client sends.
   */
  ca?: TaskCa;
  /** The CAs upstream servers are verified against; the system's when absent (tests name their own). */
  upstreamCa?: string;
}

/** An intercepted tunnel: where its requests may go, and the address checked for it. */
interface Tunnel {
  destination: Destination;
  address: string;
}

export interface EgressProxy {
  /** Stops listening and cuts every open connection and tunnel. Never throws. */
  close(): Promise<void>;
}

const MAX_CONNECTIONS = 256;
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The agent's HTTP(S) proxy, on the host. Hand-written on node:http rather than a proxy library
 * (`proxy`, `http-proxy`, `http-mitm-proxy`): each of those connects to the name it was given,
 * resolving it again after any check we could hook in, which is exactly the gap DNS rebinding
 * uses. Here the name is resolved once, every answer checked, and the connection made to the
 * checked address. Parsing is Node's own (llhttp, strict: no lenient flags), which already refuses
 * obs-fold, bare LF and conflicting framing; request-check.ts adds what a proxy must refuse on top.
 */
export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const lookup = options.lookup ?? systemLookup;
  const sockets = new Set<Duplex>();
  const block = (blocked: Omit<BlockedRequest, "command">) => {
    const command = options.activity?.();
    options.onBlocked({ ...blocked, ...(command === undefined ? {} : { command }) });
  };
  const server = createServer(SERVER_OPTIONS);
  server.maxConnections = MAX_CONNECTIONS;
  server.on("connection", (socket: Duplex) => track(sockets, socket));
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    void handlePlain(request, response);
  });
  server.on("connect", (request: IncomingMessage, client: Duplex, head: Buffer) => {
    void handleConnect(request, client, head);
  });
  refuseTheRest(server, block);
  // The requests inside intercepted tunnels: the same parser, never listening itself.
  const tunnels = new WeakMap<object, Tunnel>();
  const inner = createServer(SERVER_OPTIONS);
  inner.on("request", (request: IncomingMessage, response: ServerResponse) => handleTunnelled(request, response));
  inner.on("connect", (request: IncomingMessage, client: Duplex) => {
    block({ method: "CONNECT", target: request.url ?? "", reason: "CONNECT inside a tunnel" });
    refuseRaw(client, 403, "CONNECT inside a tunnel is refused");
  });
  refuseTheRest(inner, block);

  async function handlePlain(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? "";
    const target = request.url ?? "";
    const checked = checkPlainRequest(options.policy, method, target, request.rawHeaders);
    const resolved = checked.ok ? await resolveDestination(checked.destination.host, lookup) : checked;
    if (!checked.ok || !resolved.ok) {
      const reason = !checked.ok ? checked.reason : !resolved.ok ? resolved.reason : "";
      block({ method, target, reason });
      response.writeHead(403, { "content-type": "text/plain", connection: "close" }).end(`codex-bot agent network: blocked: ${reason}\n`);
      return;
    }
    forwardRequest(request, response, { url: checked.url, address: resolved.address, port: checked.destination.port }, sockets);
  }

  function handleTunnelled(request: IncomingMessage, response: ServerResponse): void {
    const tunnel = tunnels.get(request.socket);
    const method = request.method ?? "";
    const checked = tunnel ? checkTunnelledRequest(options.policy, tunnel.destination, method, request.url ?? "", request.rawHeaders) : undefined;
    if (!tunnel || !checked?.ok) {
      const reason = checked && !checked.ok ? checked.reason : "not in a tunnel";
      const where = tunnel ? `https://${tunnel.destination.host}${tunnel.destination.port === 443 ? "" : `:${tunnel.destination.port}`}` : "";
      block({ method, target: `${where}${request.url ?? ""}`, reason });
      response.writeHead(403, { "content-type": "text/plain", connection: "close" }).end(`codex-bot agent network: blocked: ${reason}\n`);
      return;
    }
    const servername = tunnel.destination.host;
    forwardRequest(request, response, { url: checked.url, address: tunnel.address, port: tunnel.destination.port, tls: { servername, ca: options.upstreamCa } }, sockets);
  }

  // Answers the CONNECT, then speaks TLS to the client as the allowed host, and hands the
  // decrypted stream to the inner server, whose requests are checked one by one.
  function intercept(client: Duplex, head: Buffer, tunnel: Tunnel, ca: TaskCa): void {
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) client.unshift(head);
    const secure = new TLSSocket(client, { isServer: true, secureContext: ca.contextFor(tunnel.destination.host), ALPNProtocols: ["http/1.1"] });
    track(sockets, secure);
    tunnels.set(secure, tunnel);
    inner.emit("connection", secure);
  }

  async function handleConnect(request: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    const target = request.url ?? "";
    const checked = checkTunnelRequest(options.policy, target, options.ca !== undefined);
    const resolved = checked.ok ? await resolveDestination(checked.destination.host, lookup) : checked;
    if (!checked.ok || !resolved.ok) {
      const reason = !checked.ok ? checked.reason : !resolved.ok ? resolved.reason : "";
      block({ method: "CONNECT", target, reason });
      refuseRaw(client, 403, `blocked: ${reason}`);
      return;
    }
    if (options.ca) intercept(client, head, { destination: checked.destination, address: resolved.address }, options.ca);
    else openTunnel(client, head, { address: resolved.address, port: checked.destination.port }, sockets);
  }

  await rm(options.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.socketPath, () => resolve());
  });
  // Only the sandbox's host user may connect; no other local account gets the allow-list.
  if (options.socketOwner) await chown(options.socketPath, options.socketOwner.uid, options.socketOwner.gid);
  await chmod(options.socketPath, 0o600);
  return {
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await rm(options.socketPath, { force: true });
    },
  };
}

const SERVER_OPTIONS: ServerOptions = { joinDuplicateHeaders: false, maxHeaderSize: MAX_HEADER_BYTES, insecureHTTPParser: false, requireHostHeader: false };

// Upgrades (WebSockets) would turn into an unchecked byte stream; a request the parser refuses is
// not guessed at.
function refuseTheRest(server: Server, block: (blocked: Omit<BlockedRequest, "command">) => void): void {
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

function refuseRaw(client: Duplex, status: number, text: string): void {
  const body = `codex-bot agent network: ${text}\n`;
  const reason = status === 403 ? "Forbidden" : "Bad Request";
  if (!client.writable) return void client.destroy();
  client.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
