// Threat 10: a repository's `agent_network` allow-list gives the agent a way out that reaches
// more than it lists: another host, the host's own services, the metadata service, a private
// address behind an allowed name (DNS rebinding), another virtual host (Host smuggling), an IPv6
// literal, a method or path outside the list, or raw TCP, UDP or DNS past the proxy. A real
// sandbox and the real proxy; the upstream is a server in a network namespace of this test's own,
// on a public-looking address, and DNS is faked (it is across the network).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseAllowEntry, type AllowEntry } from "../../../src/sandbox/agent-network/allow-entry.js";
import { startEgressProxy, type EgressProxy } from "../../../src/sandbox/agent-network/egress-proxy.js";
import { CA_CERT_NAME, PROXY_SOCKET_NAME } from "../../../src/sandbox/agent-network/in-sandbox.js";
import { createTaskCa } from "../../../src/sandbox/agent-network/task-ca.js";
import type { LookupAddresses } from "../../../src/sandbox/agent-network/resolve-destination.js";
import type { BlockedRequest } from "../../../src/sandbox/agent-network/types.js";
import { createSandbox } from "../../../src/sandbox/run-in-sandbox.js";
import type { Sandbox } from "../../../src/sandbox/types.js";
import { startTestUpstream, type TestUpstream } from "../agent-network/test-upstream.js";
import { createTempDirs, handOver, makeReadable, probeTcp, SANDBOX_MODES, type SandboxMode } from "../sandbox-test-helpers.js";

const UPSTREAM = "93.184.216.35";
const tempDirs = createTempDirs();
let upstream: TestUpstream;
let proxy: EgressProxy;
let proxyDir: string;
let blocked: BlockedRequest[];
let lookups: string[];
/** What the fake DNS answers; a list is answered in turn, its last answer repeating. */
let dnsAnswers: Record<string, string[][]>;

const lookup: LookupAddresses = async (name) => {
  lookups.push(name);
  const turns = dnsAnswers[name];
  if (!turns) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
  const turn = turns[Math.min(lookups.filter((n) => n === name).length - 1, turns.length - 1)] ?? [];
  return turn.map((address) => ({ address, family: 4 }));
};

function entry(text: string): AllowEntry {
  const parsed = parseAllowEntry(text);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

// Set by each mode's beforeAll: the file runs once as an unprivileged host user, once as host root.
let mode: SandboxMode;

/** A workspace given to the mode's user, as the runner gives it the work tree. */
async function workspace(): Promise<string> {
  return handOver(await tempDirs.make(), mode);
}

async function sandbox(): Promise<Sandbox> {
  return createSandbox({ workspace: await workspace(), network: false, agentNetwork: { directory: proxyDir }, hostUser: mode.hostUser });
}

/** curl inside the sandbox, printing the HTTP status and then the body. */
const curl = (args: string) => `curl -sS -o body -w '%{http_code}\\n' ${args} 2>&1; cat body 2>/dev/null`;

beforeAll(async () => {
  const names = ["registry.npmjs.org", "files.pythonhosted.org", "docs.python.org", "rebind.example"];
  upstream = await startTestUpstream("tn", UPSTREAM, "198.51.100.2", names, await tempDirs.make());
});
afterAll(async () => {
  await Promise.all([upstream.close(), tempDirs.removeAll()]);
});

/** The task's proxy, its socket the mode's user's as the runner makes it (mode 0600: root inside a user namespace has no override). */
async function startProxy(socketOwner: SandboxMode["hostUser"]): Promise<void> {
  // Reachable by the unprivileged mode's user, as the task's directory is (0711 in the data dir).
  proxyDir = join(await makeReadable(await tempDirs.make()), "agent-network");
  await mkdir(proxyDir);
  // As the task runner does: the task's CA beside the socket, its key only in the proxy.
  const ca = createTaskCa();
  await writeFile(join(proxyDir, CA_CERT_NAME), ca.certPem);
  proxy = await startEgressProxy({
    ca,
    upstreamCa: upstream.ca.certPem,
    socketPath: join(proxyDir, PROXY_SOCKET_NAME),
    policy: { entries: ["registry.npmjs.org", "*.pythonhosted.org", "docs.python.org/3/", "rebind.example"].map(entry), methods: ["GET", "HEAD"] },
    onBlocked: (b) => blocked.push(b),
    lookup,
    socketOwner,
  });
}
beforeEach(() => {
  blocked = [];
  lookups = [];
  dnsAnswers = { "registry.npmjs.org": [[UPSTREAM]], "files.pythonhosted.org": [[UPSTREAM]], "docs.python.org": [[UPSTREAM]], "example.com": [[UPSTREAM]] };
});

// Not indented below, to keep the diff of the tests small.
describe.each(SANDBOX_MODES)("$name", (thisMode) => {
beforeAll(async () => {
  mode = thisMode;
  await startProxy(thisMode.hostUser);
});
afterAll(() => proxy.close());

describe("what the allow-list lets through", () => {
  test("plain HTTP to an allowed host reaches it through the proxy variables", async () => {
    const result = await (await sandbox()).run(curl("http://registry.npmjs.org/left-pad"));
    expect(result.output).toBe("200\nupstream 80 GET registry.npmjs.org /left-pad\n");
    expect(blocked).toEqual([]);
  });

  test("HTTPS to an allowed host reaches it: the tools trust the task's CA through the environment", async () => {
    const result = await (await sandbox()).run(curl("https://files.pythonhosted.org/wheel"));
    expect(result.output).toBe("200\nupstream 443 GET files.pythonhosted.org /wheel\n");
  });

  test("Python's urllib, with no options, goes through the proxy and verifies the certificate", async () => {
    const result = await (await sandbox()).run(`python3 -c 'import urllib.request; print(urllib.request.urlopen("https://registry.npmjs.org/py").read().decode(), end="")'`);
    expect(result.output).toBe("upstream 443 GET registry.npmjs.org /py\n");
  });
});

describe("what it refuses, each refusal recorded", () => {
  test("CONNECT to a host not on the list", async () => {
    const result = await (await sandbox()).run(curl("https://example.com/"));
    expect(result.output).toMatch(/CONNECT tunnel failed, response 403/);
    expect(blocked).toEqual([{ method: "CONNECT", target: "example.com:443", reason: "not on the allow list" }]);
    expect(lookups).toEqual([]);
  });

  test("DNS rebinding to 127.0.0.1: the first answer is checked and connected to, the rebound one is refused", async () => {
    dnsAnswers["rebind.example"] = [[UPSTREAM], ["127.0.0.1"]];
    const result = await (await sandbox()).run(`${curl("http://rebind.example/")}; ${curl("http://rebind.example/")}`);
    expect(result.output).toBe(
      "200\nupstream 80 GET rebind.example /\n403\ncodex-bot agent network: blocked: rebind.example resolves to 127.0.0.1, a loopback address, not a public one\n",
    );
    expect(lookups).toEqual(["rebind.example", "rebind.example"]);
    expect(blocked.map((b) => b.reason)).toEqual(["rebind.example resolves to 127.0.0.1, a loopback address, not a public one"]);
  });

  test("an allowed name resolving to the metadata address 169.254.169.254", async () => {
    dnsAnswers["registry.npmjs.org"] = [["169.254.169.254"]];
    const result = await (await sandbox()).run(`${curl("http://registry.npmjs.org/latest/meta-data/")}; ${curl("https://registry.npmjs.org/")}`);
    expect(result.output).toMatch(/^403\n[^]*CONNECT tunnel failed, response 403/);
    expect(blocked.map((b) => `${b.method} ${b.reason}`)).toEqual([
      "GET registry.npmjs.org resolves to 169.254.169.254, a linkLocal address, not a public one",
      "CONNECT registry.npmjs.org resolves to 169.254.169.254, a linkLocal address, not a public one",
    ]);
  });

  test("HTTP smuggling of another Host, in raw bytes from inside the sandbox", async () => {
    const raw = "GET http://registry.npmjs.org/ HTTP/1.1\\r\\nHost: 169.254.169.254\\r\\nConnection: close\\r\\n\\r\\n";
    const result = await (await sandbox()).run(`exec 3<>/dev/tcp/127.0.0.1/3128; printf '${raw}' >&3; head -1 <&3`);
    expect(result.output).toBe("HTTP/1.1 403 Forbidden\r\n");
    expect(blocked[0]?.reason).toMatch(/^the Host header \(169\.254\.169\.254\) does not name the URL's host/);
    expect(lookups).toEqual([]);
  });

  // NO_PROXY keeps the sandbox's own loopback direct; --noproxy '' sends even ::1 to the proxy, which must refuse the host's.
  test.each(["[::1]", "[::ffff:127.0.0.1]", "[fe80::1]"])("the IPv6 literal %s, over plain HTTP and CONNECT", async (literal) => {
    const result = await (await sandbox()).run(`${curl(`--noproxy '' -g http://${literal}/`)}; ${curl(`--noproxy '' -g https://${literal}/`)}`);
    expect(result.output).toMatch(/^403\n[^]*CONNECT tunnel failed, response 403/);
    expect(blocked).toHaveLength(2);
  });

  test("a method not listed (POST), and a path outside a prefix", async () => {
    const result = await (await sandbox()).run(`${curl("-X POST -d x http://registry.npmjs.org/upload")}; ${curl("http://docs.python.org/2/")}; ${curl("http://docs.python.org/3/x")}`);
    expect(result.output).toBe("403\ncodex-bot agent network: blocked: method POST is not allowed (allowed: GET, HEAD)\n403\ncodex-bot agent network: blocked: not on the allow list\n200\nupstream 80 GET docs.python.org /3/x\n");
    expect(blocked.map((b) => `${b.method} ${b.target}`)).toEqual(["POST http://registry.npmjs.org/upload", "GET http://docs.python.org/2/"]);
  });
});

describe("methods and prefixes hold over HTTPS too: the proxy reads inside the tunnel", () => {
  test("a POST to an allowed host, a path outside a prefix; a path inside passes", async () => {
    const result = await (await sandbox()).run(`${curl("-X POST -d x https://registry.npmjs.org/upload")}; ${curl("https://docs.python.org/2/")}; ${curl("https://docs.python.org/3/x")}`);
    expect(result.output).toBe("403\ncodex-bot agent network: blocked: method POST is not allowed (allowed: GET, HEAD)\n403\ncodex-bot agent network: blocked: not on the allow list\n200\nupstream 443 GET docs.python.org /3/x\n");
    expect(blocked.map((b) => `${b.method} ${b.target}`)).toEqual(["POST https://registry.npmjs.org/upload", "GET https://docs.python.org/2/"]);
  });

  test("another Host inside an allowed HTTPS tunnel", async () => {
    const result = await (await sandbox()).run(curl("-H 'Host: metadata.google.internal' https://registry.npmjs.org/"));
    expect(result.output).toMatch(/^403\n/);
    expect(blocked[0]?.reason).toMatch(/^the Host header \(metadata\.google\.internal\) does not name the URL's host/);
  });
});

describe("nothing but the proxy", () => {
  test("raw TCP and UDP out fail at once: only lo exists and there is no route, even to the allowed host's address", async () => {
    const result = await (await sandbox()).run(
      `tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; tail -n +2 /proc/net/route | wc -l; ${probeTcp(UPSTREAM, 80)}; (exec 3<>/dev/udp/${UPSTREAM}/53 && echo sent >&3) 2>&1 | grep -o 'Network is unreachable' | head -1`,
    );
    expect(result.output).toBe(`lo\n0\nREFUSED ${UPSTREAM}\nNetwork is unreachable\n`);
  });

  test("no DNS: there is no resolv.conf and a name does not resolve inside", async () => {
    const result = await (await sandbox()).run("test -e /etc/resolv.conf && echo present || echo absent; getent hosts registry.npmjs.org || echo unresolved");
    expect(result.output).toBe("absent\nunresolved\n");
  });

  test("the proxy's socket and the CA certificate cannot be replaced: their directory is read-only, and holds no key", async () => {
    const result = await (await sandbox()).run(
      `rm -f /run/codex-network/${PROXY_SOCKET_NAME} 2>&1 | grep -o 'Read-only file system'; (echo x > /run/codex-network/${CA_CERT_NAME}) 2>&1 | grep -o 'Read-only file system'; ls /run/codex-network; grep -c 'PRIVATE KEY' /run/codex-network/${CA_CERT_NAME}`,
    );
    expect(result.output).toBe(`Read-only file system\nRead-only file system\n${CA_CERT_NAME}\n${PROXY_SOCKET_NAME}\n0\n`);
  });

  test("without socat the command does not run (fail closed)", async () => {
    const run = createSandbox({ workspace: await workspace(), network: false, agentNetwork: { directory: proxyDir }, env: { PATH: "/nonexistent" }, hostUser: mode.hostUser });
    const result = await run.run("echo ran");
    expect(result.exitCode).toBe(127);
    expect(result.output).toMatch(/^The agent network needs socat inside the sandbox[^]*without it the command does not run\.\n$/);
  });

  test("the default, without agent_network, still has no network: no proxy variables, no socket, no route", async () => {
    const result = await createSandbox({ workspace: await workspace(), network: false, hostUser: mode.hostUser }).run(
      `env | grep -ic proxy; test -e /run/codex-network && echo mounted || echo absent; ${probeTcp("127.0.0.1", 3128)}; ${probeTcp(UPSTREAM, 80)}`,
    );
    expect(result.output).toBe(`0\nabsent\nREFUSED 127.0.0.1\nREFUSED ${UPSTREAM}\n`);
  });
});
});
