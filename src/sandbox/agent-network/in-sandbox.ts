/** Where the proxy's host directory is mounted (read-only) inside the sandbox. */
export const SANDBOX_PROXY_DIR = "/run/codex-network";
/** The egress proxy's Unix socket, in its host directory. */
export const PROXY_SOCKET_NAME = "proxy.sock";
/** The task CA's certificate (egress-proxy.ts reads HTTPS with it), in the same directory. */
export const CA_CERT_NAME = "ca.pem";
/** The forwarder's port on the sandbox's own loopback. */
export const FORWARDER_PORT = 3128;
/** How often, and how many times, the prelude looks for the forwarder's listening socket. */
const FORWARDER_POLL_SECONDS = 0.02;
const FORWARDER_POLLS = 500;

const PROXY_URL = `http://127.0.0.1:${FORWARDER_PORT}`;
const CA_FILE = `${SANDBOX_PROXY_DIR}/${CA_CERT_NAME}`;

/**
 * What tells the sandbox's tools to use the proxy. Clients that honour no proxy variable find
 * no route at all (the sandbox has only lo), so forgetting one fails closed.
 */
export const AGENT_PROXY_ENV: Readonly<Record<string, string>> = Object.freeze({
  HTTP_PROXY: PROXY_URL,
  HTTPS_PROXY: PROXY_URL,
  http_proxy: PROXY_URL,
  https_proxy: PROXY_URL,
  npm_config_proxy: PROXY_URL,
  npm_config_https_proxy: PROXY_URL,
  // Node 24's own fetch and http honour the variables above only when asked.
  NODE_USE_ENV_PROXY: "1",
  NO_PROXY: "localhost,127.0.0.1,::1",
  no_proxy: "localhost,127.0.0.1,::1",
  // Every certificate a client sees comes from the task's CA, so it is the only one to trust.
  SSL_CERT_FILE: CA_FILE,
  NODE_EXTRA_CA_CERTS: CA_FILE,
  REQUESTS_CA_BUNDLE: CA_FILE,
  PIP_CERT: CA_FILE,
  CURL_CA_BUNDLE: CA_FILE,
  GIT_SSL_CAINFO: CA_FILE,
  npm_config_cafile: CA_FILE,
  CARGO_HTTP_CAINFO: CA_FILE,
});

export const SOCAT_MISSING =
  "The agent network needs socat inside the sandbox to reach its proxy (the Debian package `socat`, " +
  "apt-get install socat); without it the command does not run.";

/**
 * The prelude's part: socat on 127.0.0.1:FORWARDER_PORT relaying each connection to the proxy's
 * socket, started in the background (it dies with the sandbox's pid namespace), and the command
 * only once it listens; exit 127 with the reason otherwise, rather than run without it. The wait
 * looks for the listening socket in /proc/net/tcp (a connection would reach the proxy), ticking
 * with `read -t` on a pipe nobody writes, so it is bounded and needs no sleep binary.
 */
export function startForwarderScript(): string {
  const listening = `0100007F:${FORWARDER_PORT.toString(16).toUpperCase().padStart(4, "0")} 00000000:0000 0A`;
  return [
    `command -v socat >/dev/null || { echo '${SOCAT_MISSING}'; exit 127; };`,
    `socat -lf /dev/null TCP4-LISTEN:${FORWARDER_PORT},bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:${SANDBOX_PROXY_DIR}/${PROXY_SOCKET_NAME} </dev/null >/dev/null 2>&1 &`,
    `exec {forwarder_tick}<> <(:);`,
    `for poll in {1..${FORWARDER_POLLS}}; do grep -q ': ${listening} ' /proc/net/tcp && break; read -t ${FORWARDER_POLL_SECONDS} -u $forwarder_tick || :; done;`,
    `grep -q ': ${listening} ' /proc/net/tcp || { echo 'The forwarder to the agent network proxy (socat) did not start; the command did not run.'; exit 127; };`,
    `exec {forwarder_tick}<&-; unset poll forwarder_tick;`,
  ].join(" ");
}
