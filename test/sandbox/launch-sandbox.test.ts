import { HOSTS_FD, RESOLV_CONF_FD, SANDBOX_HOSTS_TEXT, SANDBOX_RESOLV_CONF_TEXT } from "../../src/sandbox/bwrap-args.js";
import { SECRETS_FD, stdioFor } from "../../src/sandbox/launch-sandbox.js";
import { NETNS_GO_FD, NETNS_READY_FD } from "../../src/sandbox/setup-network.js";

const text = (value: Uint8Array | string | undefined) => (value instanceof Uint8Array ? new TextDecoder().decode(value) : value);

describe("stdioFor: each descriptor where bwrap and the launcher expect it", () => {
  test("agent phase: only the hosts file", () => {
    const stdio = stdioFor({ workspace: "/w", network: false });
    expect(stdio).toHaveLength(HOSTS_FD + 1);
    expect(text(stdio[HOSTS_FD])).toBe(SANDBOX_HOSTS_TEXT);
  });

  test("setup phase: the network handshake, resolv.conf and the secrets", () => {
    const stdio = stdioFor({ workspace: "/w", network: true, secrets: { NPM_TOKEN: "t" } });
    expect(text(stdio[HOSTS_FD])).toBe(SANDBOX_HOSTS_TEXT);
    expect(stdio[NETNS_READY_FD]).toBe("pipe");
    expect(stdio[NETNS_GO_FD]).toBe("pipe");
    expect(text(stdio[RESOLV_CONF_FD])).toBe(SANDBOX_RESOLV_CONF_TEXT);
    expect(text(stdio[SECRETS_FD])).toBe("NPM_TOKEN=t\0");
  });

  test("setup phase without secrets: nothing on their descriptor", () => {
    expect(stdioFor({ workspace: "/w", network: true })[SECRETS_FD]).toBe("ignore");
  });
});
