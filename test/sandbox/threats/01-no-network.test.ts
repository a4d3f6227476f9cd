// Threat 1: the agent's commands reach the network, or the host's own services. The agent phase
// has no network at all; the setup phase has outbound internet through slirp4netns, and still
// none of the host (loopback, its own addresses, abstract sockets) nor private or metadata ranges.
import { existsSync } from "node:fs";
import { execa } from "execa";
import { BLOCKED_RANGES } from "../../../src/sandbox/blocked-destinations.js";
import { createSandbox } from "../../../src/sandbox/run-in-sandbox.js";
import type { Sandbox, SandboxOptions } from "../../../src/sandbox/types.js";
import {
  createTempDirs,
  findHostProcesses,
  handOver,
  holdPoint,
  hostAddresses,
  probeTcp,
  SANDBOX_MODES,
  startAbstractSocketServer,
  startHostServer,
} from "../sandbox-test-helpers.js";
import { scaled } from "../../helpers/time-scale.js";

const tempDirs = createTempDirs();
let workspace: string;
let loopbackServer: Awaited<ReturnType<typeof startHostServer>>;
let anyAddressServer: Awaited<ReturnType<typeof startHostServer>>;
let abstractSocket: Awaited<ReturnType<typeof startAbstractSocketServer>>;

async function runOnHost(command: string): Promise<string> {
  return (await execa("bash", ["-c", command], { reject: false })).stdout;
}

// bash cannot reach the abstract namespace ("\0name"); python and node can, whichever /usr has.
function connectAbstract(name: string): string {
  if (existsSync("/usr/bin/python3")) {
    return `python3 -c '
import errno, socket
s = socket.socket(socket.AF_UNIX)
try:
    s.connect("\\0${name}"); print("CONNECTED " + s.recv(100).decode(), end="")
except OSError as e:
    print("REFUSED " + errno.errorcode[e.errno])'`;
  }
  return `node -e 'require("net").connect("\\0${name}").on("data", (d) => process.stdout.write("CONNECTED " + d)).on("error", (e) => console.log("REFUSED " + e.code))'`;
}

// A server and a client on the sandbox's own loopback, in whichever language /usr has.
function serveAndFetchOnLoopback(): string {
  if (existsSync("/usr/bin/python3")) {
    return `python3 -m http.server 18080 --bind 127.0.0.1 >/dev/null 2>&1 &
      for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/18080) 2>/dev/null && break; sleep 0.05; done
      exec 3<>/dev/tcp/127.0.0.1/18080; printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3; head -1 <&3 | cut -d' ' -f2; kill %1`;
  }
  return `node -e 'const s = require("http").createServer((q, r) => r.end("200")).listen(18080, "127.0.0.1", () =>
    require("http").get("http://127.0.0.1:18080", (r) => r.on("data", (d) => { console.log(String(d)); s.close(); })))'`;
}

beforeAll(async () => {
  loopbackServer = await startHostServer("127.0.0.1");
  anyAddressServer = await startHostServer("0.0.0.0");
  abstractSocket = await startAbstractSocketServer();
});
afterAll(async () => {
  await Promise.all([loopbackServer.close(), anyAddressServer.close(), abstractSocket.close(), tempDirs.removeAll()]);
});

describe.each(SANDBOX_MODES)("$name", (mode) => {
  const sandboxFor = (overrides: Partial<SandboxOptions> = {}): Sandbox => createSandbox({ workspace, network: false, hostUser: mode.hostUser, ...overrides });
  beforeEach(async () => {
    workspace = await handOver(await tempDirs.make(), mode);
  });

  describe("agent phase (network: false): no network at all", () => {
    test("a server on the host's loopback is unreachable, though the same probe reaches it from the host", async () => {
      const probe = probeTcp("127.0.0.1", loopbackServer.port);
      expect(await runOnHost(probe)).toBe("CONNECTED 127.0.0.1");
      expect((await sandboxFor().run(probe)).output).toBe("REFUSED 127.0.0.1\n");
    });

    test("only lo exists and there is no route: an outside address fails at once", async () => {
      const result = await sandboxFor().run(
        "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; tail -n +2 /proc/net/route | wc -l; bash -c 'exec 3<>/dev/tcp/1.1.1.1/443' 2>&1",
      );
      // ENETUNREACH comes from connect() itself: nothing waited for a reply that could never come.
      expect(result.output).toMatch(/^lo\n0\n.*Network is unreachable/s);
    });

    test("a host abstract unix socket is unreachable, though the same client reaches it from the host", async () => {
      const client = connectAbstract(abstractSocket.name);
      expect(await runOnHost(client)).toBe("CONNECTED host-abstract-socket");
      expect((await sandboxFor().run(client)).output).toMatch(/^REFUSED ECONNREFUSED\n$/);
    });

    test("loopback inside the sandbox works, for the repository's own tests", async () => {
      const result = await sandboxFor().run(serveAndFetchOnLoopback());
      expect(result.output).toBe("200\n");
    });

    test("there is no resolv.conf: nothing to resolve against", async () => {
      const result = await sandboxFor().run("test -e /etc/resolv.conf && echo present || echo absent");
      expect(result.output).toBe("absent\n");
    });
  });

  describe("setup phase (network: true): a network of its own, nothing of the host's", () => {
    const setup = () => sandboxFor({ network: true });

    test("has a non-loopback interface with a default route, and slirp4netns's DNS as its only name server", async () => {
      const result = await setup().run("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort; echo ---; cat /proc/net/route; echo ---; cat /etc/resolv.conf");
      const [interfaces, routes = "", resolvConf] = result.output.split("---\n");
      expect(interfaces).toBe("lo\ntap0\n");
      // Iface, Destination 0.0.0.0, Gateway 10.0.2.2 (little-endian hex), flags UP|GATEWAY.
      expect(routes).toMatch(/^tap0\t00000000\t0202000A\t0003\t/m);
      expect(resolvConf).toBe("nameserver 10.0.2.3\n");
    });

    test("the host's loopback is unreachable: directly, and through slirp4netns's gateway and DNS addresses", async () => {
      const port = loopbackServer.port;
      const result = await setup().run([probeTcp("127.0.0.1", port), probeTcp("10.0.2.2", port), probeTcp("10.0.2.3", port)].join("; "));
      expect(result.output).toBe("REFUSED 127.0.0.1\nREFUSED 10.0.2.2\nREFUSED 10.0.2.3\n");
    });

    test("a host service listening on 0.0.0.0 is unreachable through each of the host's addresses", async () => {
      const addresses = hostAddresses();
      expect(addresses.length).toBeGreaterThan(0);
      const probes = addresses.map((address) => probeTcp(address, anyAddressServer.port)).join("; ");
      expect(await runOnHost(probes)).toBe(addresses.map((address) => `CONNECTED ${address}`).join("\n"));
      const result = await setup().run(probes);
      expect(result.output).toBe(addresses.map((address) => `REFUSED ${address}\n`).join(""));
    });

    test("cloud metadata, link-local, private and host addresses are refused at once by rejecting routes", async () => {
      const targets = ["169.254.169.254", "100.100.100.200", "10.1.2.3", "172.17.0.1", "192.168.1.1", ...hostAddresses()];
      const connects = targets.map((ip) => `timeout 3 bash -c 'exec 3<>/dev/tcp/${ip}/80' 2>&1 | grep -o 'Permission denied' | head -1`);
      const result = await setup().run(connects.join("; "));
      // EACCES is what a "prohibit" route answers, from connect() itself; without the routes these would be
      // carried to the host's network, and a connect that hung would print nothing before its `timeout`.
      expect(result.output).toBe("Permission denied\n".repeat(targets.length));
    });

    test("a host abstract unix socket is unreachable", async () => {
      const result = await setup().run(connectAbstract(abstractSocket.name));
      expect(result.output).toMatch(/^REFUSED ECONNREFUSED\n$/);
    });

    test("the command cannot change its routes: it holds no capability over its network namespace", async () => {
      const result = await setup().run("ip=$(command -v ip || echo /usr/sbin/ip); $ip route del 169.254.0.0/16 2>&1; $ip link set tap0 down 2>&1; echo ---; cat /proc/net/route");
      const [attempts, routes = ""] = result.output.split("---\n");
      expect(attempts).toMatch(/^RTNETLINK answers: Operation not permitted\nRTNETLINK answers: Operation not permitted\n$/);
      // Every rejecting route (flag RTF_REJECT, 0x0200) is still there.
      const rejecting = routes.split("\n").slice(1).filter((line) => (parseInt(line.split("\t")[3] ?? "0", 16) & 0x0200) !== 0);
      expect(rejecting).toHaveLength(BLOCKED_RANGES.length + hostAddresses().length);
    });

    test("slirp4netns ends with the command", async () => {
      const before = new Set(await findSlirp4netnsProcesses());
      const hold = holdPoint(workspace);
      const run = setup().run(`${hold.prepare} ${hold.shell}`, { timeoutMs: scaled(20_000) });
      await hold.reached(run);
      const started = (await findSlirp4netnsProcesses()).filter((pid) => !before.has(pid));
      await hold.release();
      expect((await run).exitCode).toBe(0);
      expect(started).toHaveLength(1);
      // The run waits for slirp4netns to exit before it returns.
      expect((await findSlirp4netnsProcesses()).filter((pid) => started.includes(pid))).toEqual([]);
    });
  });
});

async function findSlirp4netnsProcesses(): Promise<number[]> {
  return findHostProcesses("--disable-host-loopback");
}
