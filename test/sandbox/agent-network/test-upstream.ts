import { connect } from "node:net";
import { execa, type ResultPromise } from "execa";

/**
 * A web server on a public-looking address, in a network namespace of the test's own (veth from
 * iproute2, routed from the host by one /32 route), since the proxy refuses every address on
 * this machine. It answers every request on ports 80, 443 and 8443 with
 * `upstream <port> <method> <Host header> <path>`, so a test sees what reached it.
 */
export interface TestUpstream {
  address: string;
  close(): Promise<void>;
}

const SERVER = `
const http = require("node:http");
const [address] = process.argv.slice(1);
let pending = 3;
for (const port of [80, 443, 8443]) {
  http.createServer((q, r) => {
    const line = port + " " + q.method + " " + q.headers.host + " " + q.url;
    q.resume();
    q.on("end", () => r.end("upstream " + line + "\\n"));
  }).listen(port, address, () => { if (--pending === 0) console.log("ready"); });
}`;

/** Creates the namespace (named after `tag`) with `address` inside; `hostAddress` is the host end's. */
export async function startTestUpstream(tag: string, address: string, hostAddress: string): Promise<TestUpstream> {
  const netns = `cb-${tag}-${process.pid}`;
  const hostEnd = `cbh${tag}${process.pid % 10000}`.slice(0, 15);
  const nsEnd = `cbn${tag}${process.pid % 10000}`.slice(0, 15);
  const ip = (...args: string[]) => execa("ip", args);
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
  const server: ResultPromise = execa("ip", ["netns", "exec", netns, process.execPath, "-e", SERVER, address], { buffer: false, reject: false });
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
