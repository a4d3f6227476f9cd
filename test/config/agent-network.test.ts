import { effectiveAgentNetwork, parseAgentNetworkCeiling, type AgentNetworkCeiling } from "../../src/config/agent-network.js";
import { parseRepoConfig } from "../../src/config/repo-config.js";
import { ConfigError, readServerConfig } from "../../src/config/server-config.js";
import { entryAllows, entryCovers, parseAllowEntry, type AllowEntry } from "../../src/sandbox/agent-network/allow-entry.js";

function entry(text: string): AllowEntry {
  const parsed = parseAllowEntry(text);
  if (typeof parsed === "string") throw new Error(`${text}: ${parsed}`);
  return parsed;
}

function ceiling(text: string): AgentNetworkCeiling {
  const parsed = parseAgentNetworkCeiling(text);
  if (Array.isArray(parsed)) throw new Error(parsed.join("; "));
  return parsed;
}

describe("allow-list entries", () => {
  test.each([
    ["registry.npmjs.org", { host: "registry.npmjs.org", wildcard: false, literal: false }],
    ["*.PythonHosted.org", { host: "pythonhosted.org", wildcard: true, literal: false }],
    ["docs.python.org/3/", { host: "docs.python.org", wildcard: false, literal: false, pathPrefix: "/3/" }],
    ["example.com:8443", { host: "example.com", wildcard: false, literal: false, port: 8443 }],
    ["93.184.216.34", { host: "93.184.216.34", wildcard: false, literal: true }],
    ["[2606:4700:0::1111]", { host: "2606:4700::1111", wildcard: false, literal: true }],
  ])("%s parses", (text, expected) => {
    expect(parseAllowEntry(text)).toEqual({ text, ...expected });
  });

  test.each([
    ["https://registry.npmjs.org", "without a scheme"],
    ["localhost", "single-label"],
    ["*.org", "at least two labels"],
    ["*", "must be a full host name"],
    ["a.*.example.com", "must be a full host name"],
    ["127.0.0.1", "loopback"],
    ["169.254.169.254", "linkLocal"],
    ["10.1.2.3", "private"],
    ["[::1]", "loopback"],
    ["1.2.3", "IP address"],
    ["docs.python.org/3/../admin", "`..`"],
    ["docs.python.org/3/%2e%2e/", "encoded"],
    ["docs.python.org/3/?x", "query"],
    ["example.com:0", "port"],
    ["exa mple.com", "must be a full host name"],
  ])("%s is refused (%s)", (text, why) => {
    expect(parseAllowEntry(text)).toEqual(expect.stringContaining(why));
  });

  test("matching: exact host, subdomains for a wildcard, prefixes on plain HTTP only, default ports 80 and 443", () => {
    const plain = (host: string, path = "/", port = 80) => ({ host, port, path });
    expect(entryAllows(entry("registry.npmjs.org"), plain("registry.npmjs.org"), 80)).toBe(true);
    expect(entryAllows(entry("registry.npmjs.org"), plain("evil-registry.npmjs.org"), 80)).toBe(false);
    expect(entryAllows(entry("registry.npmjs.org"), plain("registry.npmjs.org.evil.com"), 80)).toBe(false);
    expect(entryAllows(entry("registry.npmjs.org"), plain("registry.npmjs.org", "/", 8080), 80)).toBe(false);
    expect(entryAllows(entry("*.pythonhosted.org"), plain("a.b.pythonhosted.org"), 80)).toBe(true);
    expect(entryAllows(entry("*.pythonhosted.org"), plain("pythonhosted.org"), 80)).toBe(false);
    expect(entryAllows(entry("*.pythonhosted.org"), plain("evilpythonhosted.org"), 80)).toBe(false);
    expect(entryAllows(entry("docs.python.org/3/"), plain("docs.python.org", "/3/library/"), 80)).toBe(true);
    expect(entryAllows(entry("docs.python.org/3/"), plain("docs.python.org", "/2/"), 80)).toBe(false);
    expect(entryAllows(entry("docs.python.org/3/"), plain("docs.python.org", "/3/%2F..%2Fadmin"), 80)).toBe(false);
    expect(entryAllows(entry("docs.python.org/3/"), { host: "docs.python.org", port: 443, path: "/3/x" }, 443)).toBe(true);
    expect(entryAllows(entry("docs.python.org/3/"), { host: "docs.python.org", port: 443 }, 443)).toBe(false);
    expect(entryAllows(entry("registry.npmjs.org"), { host: "registry.npmjs.org", port: 443 }, 443)).toBe(true);
    expect(entryAllows(entry("registry.npmjs.org"), { host: "registry.npmjs.org", port: 80 }, 443)).toBe(false);
    expect(entryAllows(entry("example.com:8443"), { host: "example.com", port: 8443 }, 443)).toBe(true);
    // A literal matches only that literal, and a name never matches a literal entry.
    expect(entryAllows(entry("93.184.216.34"), plain("93.184.216.34"), 80)).toBe(true);
    expect(entryAllows(entry("*.216.34.example"), plain("93.184.216.34"), 80)).toBe(false);
  });

  test("covering: a ceiling entry covers the same host, its subdomains (for a wildcard), longer prefixes, and only its own port", () => {
    expect(entryCovers(entry("registry.npmjs.org"), entry("registry.npmjs.org/pkg/"))).toBe(true);
    expect(entryCovers(entry("registry.npmjs.org/pkg/"), entry("registry.npmjs.org"))).toBe(false);
    expect(entryCovers(entry("*.pythonhosted.org"), entry("files.pythonhosted.org"))).toBe(true);
    expect(entryCovers(entry("*.pythonhosted.org"), entry("*.files.pythonhosted.org"))).toBe(true);
    expect(entryCovers(entry("*.pythonhosted.org"), entry("pythonhosted.org"))).toBe(false);
    expect(entryCovers(entry("files.pythonhosted.org"), entry("*.pythonhosted.org"))).toBe(false);
    expect(entryCovers(entry("example.com"), entry("example.com:8443"))).toBe(false);
    expect(entryCovers(entry("example.com:8443"), entry("example.com:8443"))).toBe(true);
  });
});

describe("CODEX_AGENT_NETWORK_MAX, the operator's ceiling", () => {
  test("unset: no agent network; a comma list allows at most GET and HEAD; JSON names methods too", () => {
    expect(readServerConfig({}).CODEX_AGENT_NETWORK_MAX).toBeUndefined();
    expect(ceiling("registry.npmjs.org, *.pythonhosted.org")).toEqual({ entries: [entry("registry.npmjs.org"), entry("*.pythonhosted.org")], methods: ["GET", "HEAD"] });
    expect(ceiling('{"allow": ["registry.npmjs.org"], "methods": ["get", "POST"]}')).toEqual({ entries: [entry("registry.npmjs.org")], methods: ["GET", "POST"] });
    expect(readServerConfig({ CODEX_AGENT_NETWORK_MAX: "registry.npmjs.org" }).CODEX_AGENT_NETWORK_MAX).toEqual({ entries: [entry("registry.npmjs.org")], methods: ["GET", "HEAD"] });
  });

  test("every bad entry and method is reported at start, together", () => {
    let error: unknown;
    try {
      readServerConfig({ CODEX_AGENT_NETWORK_MAX: '{"allow": ["localhost", "http://x.org", "ok.example.com"], "methods": ["GET", "BREW"]}' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^CODEX_AGENT_NETWORK_MAX "localhost": must be a full host name/);
    expect(problems[1]).toMatch(/^CODEX_AGENT_NETWORK_MAX "http:\/\/x.org": write the host without a scheme/);
    expect(problems[2]).toBe("CODEX_AGENT_NETWORK_MAX method BREW is not one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    expect(() => readServerConfig({ CODEX_AGENT_NETWORK_MAX: "{nope" })).toThrow(/CODEX_AGENT_NETWORK_MAX is not valid JSON/);
  });
});

describe("`agent_network` in .github/codex.yml", () => {
  test("parses allow and methods (any case); methods are optional", () => {
    const parsed = parseRepoConfig('agent_network:\n  allow: ["registry.npmjs.org", "*.pythonhosted.org", "docs.python.org/3/"]\n  methods: [get, HEAD, post]\n');
    expect(parsed).toMatchObject({ ok: true, config: { agent_network: { allow: ["registry.npmjs.org", "*.pythonhosted.org", "docs.python.org/3/"], methods: ["GET", "HEAD", "POST"] } } });
    const none = parseRepoConfig(null);
    expect(none.ok && none.config.agent_network).toBeUndefined();
  });

  test("a bad entry, an unknown method or key refuses the config, naming each", () => {
    const bad = parseRepoConfig('agent_network:\n  allow: ["localhost", "169.254.169.254"]\n  methods: [CONNECT]\n  deny: []\n');
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? "" : bad.errors.join("\n");
    expect(errors).toContain('`agent_network.allow.0`: "localhost": must be a full host name');
    expect(errors).toContain('`agent_network.allow.1`: "169.254.169.254": 169.254.169.254 is a linkLocal address');
    expect(errors).toContain("`agent_network.methods.0`: must be one of GET, HEAD");
    expect(errors).toContain("deny");
  });
});

describe("the effective allow-list: the repository's, within the ceiling", () => {
  const max = ceiling('{"allow": ["registry.npmjs.org", "*.pythonhosted.org", "docs.python.org/3/"], "methods": ["GET", "HEAD", "POST"]}');

  test("without agent_network there is no network, and nothing to warn about", () => {
    expect(effectiveAgentNetwork(max, undefined)).toEqual({ warnings: [] });
  });

  test("entries and methods inside the ceiling are kept; methods default to GET and HEAD", () => {
    expect(effectiveAgentNetwork(max, { allow: ["registry.npmjs.org", "files.pythonhosted.org", "docs.python.org/3/library/"] })).toEqual({
      policy: { entries: [entry("registry.npmjs.org"), entry("files.pythonhosted.org"), entry("docs.python.org/3/library/")], methods: ["GET", "HEAD"] },
      warnings: [],
    });
  });

  test("an entry or method outside the ceiling is dropped with a config warning", () => {
    const { policy, warnings } = effectiveAgentNetwork(max, { allow: ["registry.npmjs.org", "example.com", "docs.python.org/"], methods: ["GET", "DELETE"] });
    expect(policy).toEqual({ entries: [entry("registry.npmjs.org")], methods: ["GET"] });
    expect(warnings).toEqual([
      "`agent_network.allow: example.com` is outside this server's CODEX_AGENT_NETWORK_MAX; dropped",
      "`agent_network.allow: docs.python.org/` is outside this server's CODEX_AGENT_NETWORK_MAX; dropped",
      "`agent_network.methods: DELETE` is not allowed by this server's CODEX_AGENT_NETWORK_MAX; dropped",
    ]);
  });

  test("with no ceiling, or nothing left inside it, the agent has no network, and the log says why", () => {
    expect(effectiveAgentNetwork(undefined, { allow: ["registry.npmjs.org"] })).toEqual({
      warnings: ["`agent_network` is set, but this server allows agents no network (CODEX_AGENT_NETWORK_MAX is empty); the agent runs without network"],
    });
    const { policy, warnings } = effectiveAgentNetwork(max, { allow: ["example.com"] });
    expect(policy).toBeUndefined();
    expect(warnings.at(-1)).toBe("nothing of `agent_network` is left within the server's ceiling; the agent runs without network");
  });
});
