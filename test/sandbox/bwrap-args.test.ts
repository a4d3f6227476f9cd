import { buildBwrapArgs, SANDBOX_RESOLV_CONF_TEXT } from "../../src/sandbox/bwrap-args.js";
import { SandboxConfigError } from "../../src/sandbox/errors.js";
import type { HostLayout } from "../../src/sandbox/host-layout.js";
import type { SandboxOptions } from "../../src/sandbox/types.js";

const host: HostLayout = {
  rootEntries: {
    "/bin": { kind: "symlink", target: "usr/bin" },
    "/lib": { kind: "directory" },
    "/lib64": { kind: "missing" },
  },
  etcPaths: ["/etc/passwd", "/etc/ssl"],
  hiddenPaths: ["/etc/ssl/private"],
};

function args(overrides: Partial<SandboxOptions> = {}): string[] {
  return buildBwrapArgs({ workspace: "/srv/tasks/1/repo", network: false, ...overrides }, host);
}

/** Index of the option `name` followed by `values`, or -1. */
function indexOfOption(list: string[], name: string, ...values: string[]): number {
  return list.findIndex((arg, i) => arg === name && values.every((value, j) => list[i + 1 + j] === value));
}

describe("buildBwrapArgs", () => {
  test("without network: a new network namespace and no resolv.conf", () => {
    const list = args({ network: false });
    expect(list).toContain("--unshare-all");
    expect(list).not.toContain("--share-net");
    expect(list.join(" ")).not.toContain("resolv.conf");
  });

  test("with network: the launcher's own network namespace, and a resolv.conf naming slirp4netns's DNS, not the host's", () => {
    const list = args({ network: true });
    expect(list).toContain("--share-net");
    expect(indexOfOption(list, "--perms", "0644", "--ro-bind-data", "6", "/etc/resolv.conf")).toBeGreaterThan(-1);
    expect(indexOfOption(list, "--ro-bind", "/etc/resolv.conf", "/etc/resolv.conf")).toBe(-1);
    expect(SANDBOX_RESOLV_CONF_TEXT).toBe("nameserver 10.0.2.3\n");
  });

  test("secrets: refused without network, never passed as arguments with it", () => {
    expect(() => args({ network: false, secrets: { NPM_TOKEN: "npm_secret" } })).toThrow(/only for the setup phase/);
    expect(args({ network: true, secrets: { NPM_TOKEN: "npm_secret" } }).join(" ")).not.toContain("npm_secret");
    expect(() => args({ network: true, secrets: { "NPM TOKEN": "x" } })).toThrow(SandboxConfigError);
    expect(() => args({ network: true, secrets: { NPM_TOKEN: "a\0b" } })).toThrow(/NUL/);
  });

  test("drops every capability and dies with its parent", () => {
    const list = args();
    for (const flag of ["--unshare-user", "--disable-userns", "--die-with-parent", "--new-session", "--clearenv"]) {
      expect(list).toContain(flag);
    }
    expect(indexOfOption(list, "--cap-drop", "ALL")).toBeGreaterThan(-1);
    expect(indexOfOption(list, "--ro-bind", "/proc/sys", "/proc/sys")).toBeGreaterThan(list.indexOf("--proc"));
  });

  test.each([false, true])("loads the seccomp filter from its descriptor (network: %s)", (network) => {
    expect(indexOfOption(args({ network }), "--seccomp", "8")).toBeGreaterThan(-1);
  });

  test("mirrors the host's /bin, /lib and /lib64 and never binds the host root", () => {
    const list = args();
    expect(indexOfOption(list, "--symlink", "usr/bin", "/bin")).toBeGreaterThan(-1);
    expect(indexOfOption(list, "--ro-bind", "/lib", "/lib")).toBeGreaterThan(-1);
    expect(list).not.toContain("/lib64");
    expect(indexOfOption(list, "--ro-bind", "/usr", "/usr")).toBeGreaterThan(-1);
    expect(list.filter((arg, i) => arg === "/" && list[i - 1]?.endsWith("bind"))).toEqual([]);
  });

  test("binds allow-listed /etc paths, hides secrets under them, and supplies its own hosts file", () => {
    const list = args();
    const ssl = indexOfOption(list, "--ro-bind", "/etc/ssl", "/etc/ssl");
    expect(ssl).toBeGreaterThan(-1);
    expect(indexOfOption(list, "--tmpfs", "/etc/ssl/private")).toBeGreaterThan(ssl);
    expect(indexOfOption(list, "--perms", "0644", "--ro-bind-data", "3", "/etc/hosts")).toBeGreaterThan(-1);
    expect(list).not.toContain("/etc/shadow");
  });

  test("sizes /tmp and HOME tmpfs", () => {
    const list = args({ limits: { tmpfsSizeBytes: 4096 } });
    expect(indexOfOption(list, "--size", "4096", "--tmpfs", "/tmp")).toBeGreaterThan(-1);
    expect(indexOfOption(list, "--size", "4096", "--tmpfs", "/home/sandbox")).toBeGreaterThan(-1);
  });

  test("mounts read-only paths after the workspace, then freezes the root", () => {
    const list = args({ readOnly: [{ host: "/srv/tasks/1/git", sandbox: "/workspace/.git" }] });
    const workspace = indexOfOption(list, "--bind", "/srv/tasks/1/repo", "/workspace");
    const gitDir = indexOfOption(list, "--ro-bind", "/srv/tasks/1/git", "/workspace/.git");
    expect(workspace).toBeGreaterThan(-1);
    expect(gitDir).toBeGreaterThan(workspace);
    expect(indexOfOption(list, "--remount-ro", "/")).toBeGreaterThan(gitDir);
    expect(indexOfOption(list, "--chdir", "/workspace")).toBeGreaterThan(-1);
  });

  test("sets exactly the allow-listed environment plus the caller's extras", () => {
    const list = args({ env: { NODE_ENV: "test" } });
    const clear = list.indexOf("--clearenv");
    const names = list.flatMap((arg, i) => (arg === "--setenv" ? [list[i + 1]] : []));
    expect(names.sort()).toEqual(
      ["CI", "GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0", "GIT_PAGER", "GIT_TERMINAL_PROMPT", "HOME", "LANG", "NODE_ENV", "PAGER", "PATH", "TERM", "TMPDIR"].sort(),
    );
    expect(list.indexOf("--setenv")).toBeGreaterThan(clear);
    expect(indexOfOption(list, "--setenv", "HOME", "/home/sandbox")).toBeGreaterThan(-1);
  });

  test.each(["GITHUB_TOKEN", "OPENAI_API_KEY", "client_secret", "DB_PASSWORD", "https_proxy", "ALL_PROXY", "GOOGLE_CREDENTIALS"])(
    "rejects the secret-like env name %s",
    (name) => {
      expect(() => args({ env: { [name]: "x" } })).toThrow(SandboxConfigError);
      expect(() => args({ env: { [name]: "x" } })).toThrow(/secret or proxy/);
    },
  );

  test("agentNetwork: the proxy's directory read-only at /run/codex-network, the proxy variables naming the forwarder, still no network", () => {
    const list = args({ agentNetwork: { directory: "/srv/tasks/1/agent-network" } });
    expect(indexOfOption(list, "--ro-bind", "/srv/tasks/1/agent-network", "/run/codex-network")).toBeGreaterThan(-1);
    expect(list).not.toContain("--share-net");
    for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "npm_config_proxy", "npm_config_https_proxy"]) {
      expect(indexOfOption(list, "--setenv", name, "http://127.0.0.1:3128")).toBeGreaterThan(-1);
    }
    expect(indexOfOption(list, "--setenv", "NO_PROXY", "localhost,127.0.0.1,::1")).toBeGreaterThan(-1);
    for (const name of ["SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE", "PIP_CERT", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "npm_config_cafile"]) {
      expect(indexOfOption(list, "--setenv", name, "/run/codex-network/ca.pem")).toBeGreaterThan(-1);
    }
    // Without the option none of it; and the caller still cannot set a proxy of its own.
    expect(args().join(" ")).not.toMatch(/codex-network|_PROXY|_proxy|CA_CERTS|cafile/);
    expect(() => args({ agentNetwork: { directory: "/srv/x" }, env: { HTTPS_PROXY: "http://elsewhere" } })).toThrow(/secret or proxy/);
    expect(() => args({ agentNetwork: { directory: "/srv/x" }, network: true })).toThrow(/network: false/);
    expect(() => args({ agentNetwork: { directory: "relative" } })).toThrow(SandboxConfigError);
  });

  test("rejects relative or escaping paths", () => {
    expect(() => args({ workspace: "repo" })).toThrow(SandboxConfigError);
    expect(() => args({ readOnly: [{ host: "/srv/git", sandbox: "/workspace/../etc" }] })).toThrow(SandboxConfigError);
  });

  test("mirrors this host's real layout by default", () => {
    const list = buildBwrapArgs({ workspace: "/tmp", network: false });
    expect(list.join(" ")).toMatch(/--symlink usr\/bin \/bin|--ro-bind \/bin \/bin/);
  });
});
