import { chmod, chown, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerOptions, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { track } from "./forward.js";
import { handleConnect, handlePlain, handleTunnelled, refuseRaw, refuseTheRest, type ProxyContext, type Tunnel } from "./proxy-handlers.js";
import { systemLookup, type LookupAddresses } from "./resolve-destination.js";
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

export interface EgressProxy {
  /** Stops listening and cuts every open connection and tunnel. Never throws. */
  close(): Promise<void>;
}

const MAX_CONNECTIONS = 256;
const MAX_HEADER_BYTES = 16 * 1024;
const SERVER_OPTIONS: ServerOptions = { joinDuplicateHeaders: false, maxHeaderSize: MAX_HEADER_BYTES, insecureHTTPParser: false, requireHostHeader: false };

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
  // The requests inside intercepted tunnels: the same parser, never listening itself.
  const inner = createServer(SERVER_OPTIONS);
  const ctx: ProxyContext = {
    policy: options.policy, lookup, sockets, block, tunnels: new WeakMap<object, Tunnel>(), inner,
    ...(options.ca ? { ca: options.ca } : {}), ...(options.upstreamCa ? { upstreamCa: options.upstreamCa } : {}),
  };
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    void handlePlain(ctx, request, response);
  });
  server.on("connect", (request: IncomingMessage, client: Duplex, head: Buffer) => {
    void handleConnect(ctx, request, client, head);
  });
  refuseTheRest(server, block);
  inner.on("request", (request: IncomingMessage, response: ServerResponse) => handleTunnelled(ctx, request, response));
  inner.on("connect", (request: IncomingMessage, client: Duplex) => {
    block({ method: "CONNECT", target: request.url ?? "", reason: "CONNECT inside a tunnel" });
    refuseRaw(client, 403, "CONNECT inside a tunnel is refused");
  });
  refuseTheRest(inner, block);

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

