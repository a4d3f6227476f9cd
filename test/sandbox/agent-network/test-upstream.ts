import { writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { execa, type ResultPromise } from "execa";
import { createTaskCa, type TaskCa } from "../../../src/sandbox/agent-network/task-ca.js";

/**
 * A web server on a public-looking address, in a network namespace of the test's own (veth from
 * iproute2, routed from the host by one /32 route), since the proxy refuses every address on
 * this machine. It answers every request with `upstream <port> <method> <Host header> <path>`, so
 * a test sees what reached it: plain HTTP on 80 and 8443, HTTPS on 443 with a certificate for each
 * of `tlsNames` from its own CA (`ca`), which a real public CA stands for.
 */
export interface TestUpstream {
  address: string;
  /** The CA of its HTTPS certificates. */
  ca: TaskCa;
  close(): Promise<void>;
}

const SERVER = `
const http = require("node:http");
const https = require("node:https");
const tls = require("node:tls");
const [address, certsFile] = process.argv.slice(1);
const certs = JSON.parse(require("node:fs").readFileSync(certsFile, "utf8"));
const contexts = Object.fromEntries(Object.entries(certs).map(([name, c]) => [name, tls.createSecureContext({ key: c.keyPem, cert: c.certPem })]));
const fallback = Object.values(certs)[0];
let pending = 3;
const answer = (port) => (q, r) => {
  const line = port + " " + q.method + " " + q.headers.host + " " + q.url;
  q.resume();
  q.on("end", () => r.end("upstream " + line + "\\n"));
};
const ready = () => { if (--pending === 0) console.log("ready"); };
for (const port of [80, 8443]) http.createServer(answer(port)).listen(port, address, ready);
// A name it has no certificate for gets the first one: a client that verifies refuses it.
https.createServer({ key: fallback.keyPem, cert: fallback.certPem, SNICallback: (name, cb) => cb(null, contexts[name]) }, answer(443)).listen(443, address, ready);
`;

/** Creates the namespace (named after `tag`) with `address` inside; `hostAddress` is the host end's. */
export async function startTestUpstream(tag: string, address: string, hostAddress: string, tlsNames: string[], scratchDir: string): Promise<TestUpstream> {
  const ca = createTaskCa("test upstream CA");
  const certsFile = join(scratchDir, `upstream-certs-${tag}.json`);
  await writeFile(certsFile, JSON.stringify(Object.fromEntries(tlsNames.map((name) => [name, ca.issue(name)]))));
  const netns = `cb-${tag}-${process.pid}`;
  const hostEnd = `cbh${tag}${process.pid % 10000}`.slice(0, 15);
  const nsEnd = `cbn${tag}${process.pid % 10000}`.slice(0, 15);
  const ip = (...args: string[]) => execa("ip", args);
  // A run killed before its afterAll leaves its route behind (to this test's own address only).
  await execa("ip", ["route", "del", `${address}/32`], { reject: false });
  await ip("netns", "add", netns);
  await ip("link", "add", hostEnd, "type", "veth", "peer", "name", nsEnd);
  await ip("link", "set", nsEnd, "netns", netns);
  await ip("addr", "add", `${hostAddress}/32`, "dev", hostEnd);
  await ip("link", "set", hostEnd, "up");
  await ip("-n", netns, "addr", "add", `${address}/32`, "dev", nsEnd);
  await ip("-n", netns, "link", "set", nsEnd, "up");
  await ip("-n", netns, "route", "add", `${hostAddress}/32`, "dev", nsEnd);
  await ip("-n", netns, "route", "add", "default", "via", hostAddress, "dev", nsEnd);
  await ip("route", "add", `${address}/32`, "dev", hostEnd, "src", hostAddress);
  const server: ResultPromise = execa("ip", ["netns", "exec", netns, process.execPath, "-e", SERVER, address, certsFile], { buffer: false, reject: false });
  await new Promise<void>((resolve, reject) => {
    let pending = "";
    server.stdout?.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "ready") resolve();
      }
    });
    void server.then(() => reject(new Error("the test upstream exited before it was ready")));
  });
  return {
    address,
    ca,
    close: async () => {
      server.kill("SIGKILL");
      await server;
      await execa("ip", ["route", "del", `${address}/32`], { reject: false });
      await execa("ip", ["link", "del", hostEnd], { reject: false });
      await execa("ip", ["netns", "del", netns], { reject: false });
    },
  };
}

/** Sends `bytes` to a Unix socket and returns everything read until the other end closes. */
export function exchange(socketPath: string, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString()));
    socket.on("end", () => resolve(received));
    socket.on("error", reject);
    socket.write(bytes);
  });
}

/**
 * Through the proxy's socket: CONNECT to `authority`, then TLS inside the tunnel as `servername`
 * trusting `ca`, then `request`; returns what came back inside, or the proxy's refusal of the
 * CONNECT, or `TLS failed: <code>`.
 */
export function exchangeInTunnel(socketPath: string, authority: string, request: string, tls: { servername: string; ca: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let head = "";
    const onHead = (chunk: Buffer) => {
      head += chunk.toString();
      if (!head.includes("\r\n\r\n")) return;
      socket.off("data", onHead);
      if (!head.startsWith("HTTP/1.1 200 ")) {
        socket.on("data", (more: Buffer) => (head += more.toString()));
        socket.on("end", () => resolve(head));
        return;
      }
      const secure = tlsConnect({ socket, servername: tls.servername, ca: tls.ca }, () => secure.write(request));
      let received = "";
      secure.on("data", (data: Buffer) => (received += data.toString()));
      secure.on("end", () => resolve(received));
      secure.on("error", (error: NodeJS.ErrnoException) => resolve(`TLS failed: ${error.code ?? error.message}`));
    };
    socket.on("data", onHead);
    socket.on("error", reject);
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  });
}
