import { HOSTS_FD, RESOLV_CONF_FD, SANDBOX_HOSTS_TEXT, SANDBOX_RESOLV_CONF_TEXT, SECCOMP_FD } from "../../src/sandbox/bwrap-args.js";
import { SECRETS_FD, stdioFor } from "../../src/sandbox/launch-sandbox.js";
import { NETNS_GO_FD, NETNS_READY_FD } from "../../src/sandbox/setup-network.js";

const filter = new Uint8Array([0x06, 0, 0, 0, 0, 0, 0xff, 0x7f]);
const text = (value: Uint8Array | string | undefined) => (value instanceof Uint8Array ? new TextDecoder().decode(value) : value);

describe("stdioFor: each descriptor where bwrap and the launcher expect it", () => {
  test("agent phase: the hosts file and the seccomp filter, nothing on the network's descriptors", () => {
    const stdio = stdioFor({ workspace: "/w", network: false }, filter);
    expect(stdio).toHaveLength(SECCOMP_FD + 1);
    expect(text(stdio[HOSTS_FD])).toBe(SANDBOX_HOSTS_TEXT);
    for (const fd of [NETNS_READY_FD, NETNS_GO_FD, RESOLV_CONF_FD, SECRETS_FD]) expect(stdio[fd]).toBe("ignore");
    expect(stdio[SECCOMP_FD]).toBe(filter);
  });

  test("setup phase: the network handshake, resolv.conf, the secrets and the seccomp filter", () => {
    const stdio = stdioFor({ workspace: "/w", network: true, secrets: { NPM_TOKEN: "t" } }, filter);
    expect(stdio).toHaveLength(SECCOMP_FD + 1);
    expect(text(stdio[HOSTS_FD])).toBe(SANDBOX_HOSTS_TEXT);
    expect(stdio[NETNS_READY_FD]).toBe("pipe");
    expect(stdio[NETNS_GO_FD]).toBe("pipe");
    expect(text(stdio[RESOLV_CONF_FD])).toBe(SANDBOX_RESOLV_CONF_TEXT);
    expect(text(stdio[SECRETS_FD])).toBe("NPM_TOKEN=t\0");
    expect(stdio[SECCOMP_FD]).toBe(filter);
  });

  test("setup phase without secrets: nothing on their descriptor", () => {
    expect(stdioFor({ workspace: "/w", network: true }, filter)[SECRETS_FD]).toBe("ignore");
  });
});
