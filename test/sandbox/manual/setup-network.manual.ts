// A manual check that needs the internet, so it is not part of `npm test`: from a real setup
// sandbox (network: true, slirp4netns), resolve the npm registry that `npm config get registry`
// names, connect to it, and fetch it over HTTPS.
//
//   npm test -- --testMatch '**/sandbox/manual/*.manual.ts'
import { existsSync } from "node:fs";
import { execa } from "execa";
import { createSandbox } from "../../../src/sandbox/run-in-sandbox.js";
import { createTempDirs } from "../sandbox-test-helpers.js";

const tempDirs = createTempDirs();
afterAll(() => tempDirs.removeAll());

test("a setup sandbox resolves and reaches the npm registry", async () => {
  const registry = new URL((await execa("npm", ["config", "get", "registry"])).stdout.trim());
  const port = registry.port || (registry.protocol === "https:" ? "443" : "80");
  const fetchCommand = existsSync("/usr/bin/node")
    ? `node -e 'fetch(${JSON.stringify(registry.href)}).then((r) => console.log("HTTP " + r.status), (e) => console.log("FETCH FAILED " + e.cause))'`
    : "echo 'HTTP (node absent from /usr, not fetched)'";
  // Node trusts only its own CA list unless told; the system's (bind-mounted) includes any local proxy's.
  const env = { NODE_EXTRA_CA_CERTS: "/etc/ssl/certs/ca-certificates.crt" };
  const sandbox = createSandbox({ workspace: await tempDirs.make(), network: true, env });
  const result = await sandbox.run(
    `getent hosts ${registry.hostname}; timeout 10 bash -c 'exec 3<>/dev/tcp/${registry.hostname}/${port}' && echo CONNECTED; ${fetchCommand}`,
    { timeoutMs: 30_000 },
  );
  console.log(`registry ${registry.href} from the setup sandbox:\n${result.output}`);
  expect(result.output).toMatch(new RegExp(`^\\S+\\s+${registry.hostname.replace(/\./g, "\\.")}`, "m"));
  expect(result.output).toContain("CONNECTED\n");
  expect(result.output).toMatch(/^HTTP /m);
}, 60_000);
