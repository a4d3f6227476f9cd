// The agent's egress proxy against a real upstream on a public-looking address (a network
// namespace of this test's own) and a fake DNS: the proxy's own checks, without a sandbox.
import { join } from "node:path";
import { normaliseHost, parseAllowEntry, type AllowEntry } from "../../../src/sandbox/agent-network/allow-entry.js";
import { startEgressProxy, type EgressProxy } from "../../../src/sandbox/agent-network/egress-proxy.js";
import type { LookupAddresses } from "../../../src/sandbox/agent-network/resolve-destination.js";
import { createTaskCa, type TaskCa } from "../../../src/sandbox/agent-network/task-ca.js";
import type { BlockedRequest, HttpMethod } from "../../../src/sandbox/agent-network/types.js";
import { createTempDirs, startHostServer } from "../sandbox-test-helpers.js";
import { exchange, exchangeInTunnel, startTestUpstream, type TestUpstream } from "./test-upstream.js";

const UPSTREAM = "93.184.216.34";
const tempDirs = createTempDirs();
let upstream: TestUpstream;
let loopback: Awaited<ReturnType<typeof startHostServer>>;
let proxy: EgressProxy | undefined;

function entries(...texts: string[]): AllowEntry[] {
  return texts.map((text) => {
    const entry = parseAllowEntry(text);
    if (typeof entry === "string") throw new Error(`${text}: ${entry}`);
    return entry;
  });
}

/** A DNS that answers from `answers`, each name's list in turn (the last one repeats), and counts the questions. */
function fakeDns(answers: Record<string, string[][]>) {
  const asked: string[] = [];
  const lookup: LookupAddresses = async (name) => {
    asked.push(name);
    const turns = answers[name];
    if (!turns) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    const turn = turns[Math.min(asked.filter((n) => n === name).length - 1, turns.length - 1)] ?? [];
    return turn.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { lookup, asked };
}

async function startProxy(allow: (string | AllowEntry)[], lookup: LookupAddresses, methods: HttpMethod[] = ["GET", "HEAD"], ca?: TaskCa) {
  const socketPath = join(await tempDirs.make(), "proxy.sock");
  const blocked: BlockedRequest[] = [];
  const policy = { entries: allow.map((entry) => (typeof entry === "string" ? entries(entry)[0] as AllowEntry : entry)), methods };
  proxy = await startEgressProxy({ socketPath, policy, upstreamCa: upstream.ca.certPem, ...(ca ? { ca } : {}), onBlocked: (b) => blocked.push(b), activity: () => "curl test", lookup });
  return { socketPath, blocked };
}

const get = (url: string, host: string, method = "GET") => `${method} ${url} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

beforeAll(async () => {
  upstream = await startTestUpstream("px", UPSTREAM, "198.51.100.1", ["registry.npmjs.org", "docs.python.org"], await tempDirs.make());
  loopback = await startHostServer("127.0.0.1");
});
afterAll(async () => {
  await Promise.all([upstream.close(), loopback.close(), tempDirs.removeAll()]);
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

describe("plain HTTP", () => {
  test("an allowed host and method reach the upstream at the address DNS gave, with the Host header as sent", async () => {
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org"], fakeDns({ "registry.npmjs.org": [[UPSTREAM]] }).lookup);
    const answer = await exchange(socketPath, get("http://registry.npmjs.org/left-pad", "registry.npmjs.org"));
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain("upstream 80 GET registry.npmjs.org /left-pad\n");
    expect(blocked).toEqual([]);
  });

  test("a host not on the list is refused before any DNS question, and recorded with the command", async () => {
    const dns = fakeDns({ "example.com": [[UPSTREAM]] });
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org"], dns.lookup);
    const answer = await exchange(socketPath, get("http://example.com/", "example.com"));
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(dns.asked).toEqual([]);
    expect(blocked).toEqual([{ method: "GET", target: "http://example.com/", reason: "not on the allow list", command: "curl test" }]);
  });

  test("a method not listed is refused; a listed one passes", async () => {
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org"], fakeDns({ "registry.npmjs.org": [[UPSTREAM]] }).lookup, ["GET", "PUT"]);
    const post = await exchange(socketPath, `POST http://registry.npmjs.org/upload HTTP/1.1\r\nHost: registry.npmjs.org\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`);
    const put = await exchange(socketPath, `PUT http://registry.npmjs.org/upload HTTP/1.1\r\nHost: registry.npmjs.org\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`);
    expect(post).toMatch(/^HTTP\/1\.1 403 /);
    expect(put).toContain("upstream 80 PUT registry.npmjs.org /upload\n");
    expect(blocked.map((b) => b.reason)).toEqual(["method POST is not allowed (allowed: GET, PUT)"]);
  });

  test("a URL prefix holds: dot segments are resolved before the check and the normalised path is sent; encoded slashes are refused", async () => {
    const { socketPath, blocked } = await startProxy(["docs.python.org/3/"], fakeDns({ "docs.python.org": [[UPSTREAM]] }).lookup);
    const inside = await exchange(socketPath, get("http://docs.python.org/3/library/../index.html", "docs.python.org"));
    const escaped = await exchange(socketPath, get("http://docs.python.org/3/../2/", "docs.python.org"));
    const encoded = await exchange(socketPath, get("http://docs.python.org/3/%2e%2e/2/", "docs.python.org"));
    expect(inside).toContain("upstream 80 GET docs.python.org /3/index.html\n");
    expect(escaped).toMatch(/^HTTP\/1\.1 403 /);
    expect(encoded).toMatch(/^HTTP\/1\.1 403 /);
    expect(blocked.map((b) => b.target)).toEqual(["http://docs.python.org/3/../2/", "http://docs.python.org/3/%2e%2e/2/"]);
  });

  test("a wildcard allows subdomains, not the domain itself", async () => {
    const dns = fakeDns({ "files.pythonhosted.org": [[UPSTREAM]], "pythonhosted.org": [[UPSTREAM]] });
    const { socketPath } = await startProxy(["*.pythonhosted.org"], dns.lookup);
    expect(await exchange(socketPath, get("http://files.pythonhosted.org/x", "files.pythonhosted.org"))).toContain("upstream 80 GET files.pythonhosted.org /x\n");
    expect(await exchange(socketPath, get("http://pythonhosted.org/x", "pythonhosted.org"))).toMatch(/^HTTP\/1\.1 403 /);
  });
});

describe("threats at the proxy", () => {
  test("HTTP smuggling of another Host: a Host header naming another host than the request line is refused", async () => {
    const dns = fakeDns({ "registry.npmjs.org": [[UPSTREAM]] });
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org"], dns.lookup);
    const answer = await exchange(socketPath, get("http://registry.npmjs.org/", "metadata.google.internal"));
    const twoHosts = await exchange(socketPath, "GET http://registry.npmjs.org/ HTTP/1.1\r\nHost: registry.npmjs.org\r\nHost: internal\r\nConnection: close\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(twoHosts).toMatch(/^HTTP\/1\.1 (400|403) /);
    expect(dns.asked).toEqual([]);
    expect(blocked[0]?.reason).toMatch(/^the Host header \(metadata\.google\.internal\) does not name the URL's host/);
    expect(blocked).toHaveLength(2);
  });

  test("a second request smuggled in a body framed two ways (Content-Length and Transfer-Encoding) never reaches upstream", async () => {
    const dns = fakeDns({ "registry.npmjs.org": [[UPSTREAM]] });
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org"], dns.lookup, ["GET", "POST"]);
    const smuggled = "GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\r\nHost: 169.254.169.254\r\n\r\n";
    const body = `0\r\n\r\n${smuggled}`;
    const answer = await exchange(
      socketPath,
      `POST http://registry.npmjs.org/ HTTP/1.1\r\nHost: registry.npmjs.org\r\nContent-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n${body}`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).not.toContain("upstream");
    expect(dns.asked).toEqual([]);
    expect(blocked).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^malformed HTTP/) })]);
  });

  test("obs-fold (a header continued on the next line) is refused by the parser", async () => {
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org"], fakeDns({ "registry.npmjs.org": [[UPSTREAM]] }).lookup);
    const answer = await exchange(socketPath, "GET http://registry.npmjs.org/ HTTP/1.1\r\nHost: registry.npmjs.org\r\nX-A: 1\r\n Host: evil\r\nConnection: close\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(blocked).toHaveLength(1);
  });

  test("DNS rebinding: the name is resolved once, the connection goes to the checked address; the next request's loopback answer is refused", async () => {
    const dns = fakeDns({ "registry.npmjs.org": [[UPSTREAM], ["127.0.0.1"]] });
    const { socketPath, blocked } = await startProxy([`registry.npmjs.org:${loopback.port}`, "registry.npmjs.org"], dns.lookup);
    const first = await exchange(socketPath, get("http://registry.npmjs.org/", "registry.npmjs.org"));
    expect(first).toContain("upstream 80 GET registry.npmjs.org /\n");
    expect(dns.asked).toEqual(["registry.npmjs.org"]);
    const second = await exchange(socketPath, get(`http://registry.npmjs.org:${loopback.port}/`, `registry.npmjs.org:${loopback.port}`));
    expect(second).toMatch(/^HTTP\/1\.1 403 /);
    expect(second).not.toContain("host-server");
    expect(blocked.map((b) => b.reason)).toEqual(["registry.npmjs.org resolves to 127.0.0.1, a loopback address, not a public one"]);
  });

  test("a name answering a public and a private address is refused whole, not filtered", async () => {
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org"], fakeDns({ "registry.npmjs.org": [[UPSTREAM, "10.0.0.5"]] }).lookup);
    expect(await exchange(socketPath, get("http://registry.npmjs.org/", "registry.npmjs.org"))).toMatch(/^HTTP\/1\.1 403 /);
    expect(blocked[0]?.reason).toBe("registry.npmjs.org resolves to 10.0.0.5, a private address, not a public one");
  });

  test("an allowed name resolving to the metadata address 169.254.169.254 is refused, over plain HTTP and CONNECT", async () => {
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org"], fakeDns({ "registry.npmjs.org": [["169.254.169.254"]] }).lookup);
    expect(await exchange(socketPath, get("http://registry.npmjs.org/latest/meta-data/", "registry.npmjs.org"))).toMatch(/^HTTP\/1\.1 403 /);
    expect(await exchange(socketPath, "CONNECT registry.npmjs.org:443 HTTP/1.1\r\nHost: registry.npmjs.org:443\r\n\r\n")).toMatch(/^HTTP\/1\.1 403 /);
    expect(blocked.map((b) => b.reason)).toEqual([
      "registry.npmjs.org resolves to 169.254.169.254, a linkLocal address, not a public one",
      "registry.npmjs.org resolves to 169.254.169.254, a linkLocal address, not a public one",
    ]);
  });

  test.each([
    ["[::1]", "loopback"],
    ["[::ffff:127.0.0.1]", "loopback"],
    ["[::ffff:169.254.169.254]", "linkLocal"],
    ["[fe80::1]", "linkLocal"],
    ["[fd00::1]", "uniqueLocal"],
    ["[64:ff9b::a9fe:a9fe]", "rfc6052"],
    ["[2002:7f00:1::]", "6to4"],
    ["[::8.8.8.8]", "blocked range"],
    ["[::127.0.0.1]", "blocked range"],
  ])("the IPv6 literal %s is refused as %s, even by an entry that names it", async (literal, kind) => {
    // Parsing refuses such an entry already; one built by hand shows the proxy does not rely on that.
    expect(parseAllowEntry(literal)).toEqual(expect.stringContaining(kind));
    const handMade: AllowEntry = { text: literal, host: normaliseHost(literal), wildcard: false, literal: true };
    const dns = fakeDns({});
    const { socketPath, blocked } = await startProxy([handMade, { ...handMade, port: 443 }], dns.lookup);
    const plain = await exchange(socketPath, get(`http://${literal}/`, literal));
    const tunnel = await exchange(socketPath, `CONNECT ${literal}:443 HTTP/1.1\r\nHost: ${literal}:443\r\n\r\n`);
    expect(plain).toMatch(/^HTTP\/1\.1 403 /);
    expect(tunnel).toMatch(/^HTTP\/1\.1 403 /);
    expect(blocked).toHaveLength(2);
    for (const { reason } of blocked) expect(reason).toMatch(/, not a public one$|in a blocked range/);
    expect(dns.asked).toEqual([]);
  });

  test("IPv4 written another way (0x7f.1) is read as the WHATWG URL reads it, 127.0.0.1, and refused", async () => {
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org"], fakeDns({}).lookup);
    expect(await exchange(socketPath, "CONNECT 0x7f.1:443 HTTP/1.1\r\nHost: 0x7f.1:443\r\n\r\n")).toMatch(/^HTTP\/1\.1 403 /);
    expect(blocked.map((b) => b.target)).toEqual(["0x7f.1:443"]);
  });

  test("a public IPv4 literal passes only when an entry names it", async () => {
    const { socketPath } = await startProxy([UPSTREAM], fakeDns({}).lookup);
    expect(await exchange(socketPath, get(`http://${UPSTREAM}/x`, UPSTREAM))).toContain(`upstream 80 GET ${UPSTREAM} /x\n`);
  });
});

describe("CONNECT tunnels", () => {
  test("without the task's CA, a tunnel to an allowed host on 443 is a blind tunnel to the checked address: TLS end to end with the upstream", async () => {
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org"], fakeDns({ "registry.npmjs.org": [[UPSTREAM]] }).lookup);
    const answer = await exchangeInTunnel(socketPath, "registry.npmjs.org:443", get("/inside", "registry.npmjs.org"), { servername: "registry.npmjs.org", ca: upstream.ca.certPem });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain("upstream 443 GET registry.npmjs.org /inside\n");
    expect(blocked).toEqual([]);
  });

  test("to a host not on the list, or another port, it is refused", async () => {
    const dns = fakeDns({ "registry.npmjs.org": [[UPSTREAM]], "example.com": [[UPSTREAM]] });
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org"], dns.lookup);
    expect(await exchange(socketPath, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")).toMatch(/^HTTP\/1\.1 403 /);
    expect(await exchange(socketPath, "CONNECT registry.npmjs.org:8443 HTTP/1.1\r\nHost: registry.npmjs.org:8443\r\n\r\n")).toMatch(/^HTTP\/1\.1 403 /);
    expect(blocked.map((b) => `${b.method} ${b.target}`)).toEqual(["CONNECT example.com:443", "CONNECT registry.npmjs.org:8443"]);
    expect(dns.asked).toEqual([]);
  });

  test("an entry with a port allows that port; a URL-prefix entry allows no tunnel, since the path inside cannot be seen", async () => {
    const dns = fakeDns({ "registry.npmjs.org": [[UPSTREAM]], "docs.python.org": [[UPSTREAM]] });
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org:8443", "docs.python.org/3/"], dns.lookup);
    expect(await exchange(socketPath, `CONNECT registry.npmjs.org:8443 HTTP/1.1\r\nHost: x\r\n\r\n${get("/", "registry.npmjs.org")}`)).toContain("upstream 8443 GET");
    expect(await exchange(socketPath, "CONNECT docs.python.org:443 HTTP/1.1\r\nHost: docs.python.org:443\r\n\r\n")).toMatch(/^HTTP\/1\.1 403 /);
    expect(blocked.map((b) => b.reason)).toEqual(["only URL prefixes of this host are allowed, and the path inside an HTTPS tunnel cannot be checked"]);
  });
});

describe("HTTPS read inside the tunnel, with the task's CA", () => {
  let ca: TaskCa;
  beforeAll(() => {
    ca = createTaskCa();
  });
  const inTunnel = (socketPath: string, host: string, request: string, trust = ca.certPem) => exchangeInTunnel(socketPath, `${host}:443`, request, { servername: host, ca: trust });

  test("an allowed GET reaches the upstream over TLS verified as the allowed name; the client saw the task CA's certificate", async () => {
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org"], fakeDns({ "registry.npmjs.org": [[UPSTREAM]] }).lookup, ["GET"], ca);
    const answer = await inTunnel(socketPath, "registry.npmjs.org", get("/left-pad", "registry.npmjs.org"));
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain("upstream 443 GET registry.npmjs.org /left-pad\n");
    expect(blocked).toEqual([]);
    // Trusting only the upstream's real CA, the client refuses the proxy: it was not a blind tunnel.
    expect(await inTunnel(socketPath, "registry.npmjs.org", get("/", "registry.npmjs.org"), upstream.ca.certPem)).toMatch(/^TLS failed: /);
  });

  test("methods hold over HTTPS: a POST inside an allowed tunnel is refused and recorded with its https:// URL", async () => {
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org"], fakeDns({ "registry.npmjs.org": [[UPSTREAM]] }).lookup, ["GET"], ca);
    const answer = await inTunnel(socketPath, "registry.npmjs.org", "POST /upload HTTP/1.1\r\nHost: registry.npmjs.org\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(blocked).toEqual([{ method: "POST", target: "https://registry.npmjs.org/upload", reason: "method POST is not allowed (allowed: GET)", command: "curl test" }]);
  });

  test("URL prefixes hold over HTTPS: a prefix entry allows the tunnel, and only paths inside the prefix", async () => {
    const { socketPath, blocked } = await startProxy(["docs.python.org/3/"], fakeDns({ "docs.python.org": [[UPSTREAM]] }).lookup, ["GET"], ca);
    expect(await inTunnel(socketPath, "docs.python.org", get("/3/library/", "docs.python.org"))).toContain("upstream 443 GET docs.python.org /3/library/\n");
    expect(await inTunnel(socketPath, "docs.python.org", get("/2/", "docs.python.org"))).toMatch(/^HTTP\/1\.1 403 /);
    expect(blocked.map((b) => b.target)).toEqual(["https://docs.python.org/2/"]);
  });

  test("another Host inside an allowed tunnel is refused (smuggling to another virtual host)", async () => {
    const { socketPath, blocked } = await startProxy(["registry.npmjs.org"], fakeDns({ "registry.npmjs.org": [[UPSTREAM]] }).lookup, ["GET"], ca);
    expect(await inTunnel(socketPath, "registry.npmjs.org", get("/", "internal.example.com"))).toMatch(/^HTTP\/1\.1 403 /);
    expect(await inTunnel(socketPath, "registry.npmjs.org", get("http://internal.example.com/", "internal.example.com"))).toMatch(/^HTTP\/1\.1 403 /);
    expect(blocked.map((b) => b.reason)).toEqual([
      "the Host header (internal.example.com) does not name the URL's host (registry.npmjs.org)",
      "inside a tunnel only a path (origin-form) is accepted",
    ]);
  });

  test("the upstream is verified: a server without a valid certificate for the allowed name gets nothing", async () => {
    const { socketPath } = await startProxy(["other.example.org"], fakeDns({ "other.example.org": [[UPSTREAM]] }).lookup, ["GET"], ca);
    const answer = await inTunnel(socketPath, "other.example.org", get("/", "other.example.org"));
    expect(answer).toMatch(/^HTTP\/1\.1 502 [^]*upstream failed: [^]*(altnames|certificate)/i);
    expect(answer).not.toContain("upstream 443");
  });
});

test("close() cuts an open tunnel and removes the socket", async () => {
  const { socketPath } = await startProxy(["registry.npmjs.org"], fakeDns({ "registry.npmjs.org": [[UPSTREAM]] }).lookup);
  const { connect } = await import("node:net");
  const client = connect(socketPath);
  const ended = new Promise<string>((resolve) => {
    let text = "";
    client.on("data", (chunk) => {
      text += chunk.toString();
      if (text.includes("Established")) void proxy?.close();
    });
    client.on("close", () => resolve(text));
  });
  client.write("CONNECT registry.npmjs.org:443 HTTP/1.1\r\nHost: registry.npmjs.org:443\r\n\r\n");
  expect(await ended).toBe("HTTP/1.1 200 Connection Established\r\n\r\n");
  const { existsSync } = await import("node:fs");
  expect(existsSync(socketPath)).toBe(false);
});
