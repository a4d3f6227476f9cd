import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { redactSecrets } from "../../src/tasks/redact.js";
import { TaskLog, taskLogPath } from "../../src/tasks/task-log.js";
import { authHeaderConfig } from "../../src/workspace/host-git.js";

const TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("redactSecrets", () => {
  test("a known secret, wherever it appears", () => {
    expect(redactSecrets("npm_setup_secret_value and again npm_setup_secret_value.", ["npm_setup_secret_value"])).toBe("[REDACTED] and again [REDACTED].");
  });

  test("the basic-auth header host git sends, exactly as host-git builds it", () => {
    const [[, header]] = authHeaderConfig(TOKEN) as [[string, string]];
    expect(redactSecrets(`git -c http.extraHeader="${header}" fetch`, [TOKEN])).not.toContain(header.split(" ").at(-1));
    // Without being told the token: the prefix alone gives the header away.
    expect(redactSecrets(header, [])).toBe("Authorization: Basic [REDACTED]");
  });

  test("a known secret's base64 at every alignment inside a longer base64 string, and its base64url", () => {
    const secret = "s3cr3t-value-from-the-operator";
    for (const prefix of ["", "u:", "us:", "use:"]) {
      const encoded = b64(`${prefix}${secret} and more`);
      const out = redactSecrets(`Authorization: Basic ${encoded}`, [secret]);
      expect(out).toContain("[REDACTED]");
      // What is left around the redaction no longer decodes to the secret.
      expect(Buffer.from(out.replace("Authorization: Basic ", "").replace("[REDACTED]", ""), "base64").toString()).not.toContain(secret);
    }
    const url = Buffer.from(`>>>${secret}???`).toString("base64url");
    expect(redactSecrets(url, [secret])).toContain("[REDACTED]");
  });

  test.each([
    ["installation", TOKEN],
    ["personal", "ghp_R4nd0mR4nd0mR4nd0mR4nd0mR4nd0mR4nd"],
    ["OAuth", "gho_16C7e42F292c6912E7710c838347Ae178B4a"],
    ["user-to-server", "ghu_16C7e42F292c6912E7710c838347Ae178B4a"],
    ["refresh", "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498"],
    ["fine-grained", "github_pat_11ABCDEFG0123456789abc_0123456789abcdefABCDEFabcdef0123456789abcdefABCDEF0123456"],
    ["OpenAI", "sk-4f9Qv3Jm2Xb8Tz1Lr6Nc0Wd5Ye7Ua9Kp3Hs2Gq8Ft1Rm4Bv6"],
    ["OpenAI project", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z_Ab3dEf6hIj9k-Lm2nOp5qRs8tUv1wXy4z"],
  ])("an unknown %s token is redacted by its shape", (_kind, token) => {
    expect(redactSecrets(`echo ${token}; done`, [])).toBe("echo [REDACTED]; done");
  });

  test("a PEM private key, whole or cut off before its END line", () => {
    const key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1a2b3c\nq9w8e7r6t5y4\n-----END RSA PRIVATE KEY-----";
    expect(redactSecrets(`key:\n${key}\nafter`, [])).toBe("key:\n[REDACTED]\nafter");
    expect(redactSecrets("tail: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA", [])).toBe("tail: [REDACTED]");
  });

  test("words that only look like a prefix, and public keys, stay", () => {
    const text = "highs_and_lows_of_the_market_2024, task-runner-configuration-2, sk-learn, -----BEGIN PUBLIC KEY-----";
    expect(redactSecrets(text, ["short"])).toBe(text);
  });
});

describe("TaskLog", () => {
  test("the log file never holds a token, whether known or only token-shaped", async () => {
    const dir = await mkdtemp(join(tmpdir(), "codex-redact-"));
    try {
      const log = new TaskLog(dir, "t1", () => ["configured-secret-1"]);
      log.write("setup", `echo configured-secret-1 ${TOKEN} ${b64(`x-access-token:${TOKEN}`)}`);
      const text = await readFile(taskLogPath(dir, "t1"), "utf8");
      expect(text).toContain("[REDACTED] [REDACTED] [REDACTED]");
      expect(text).not.toMatch(/configured-secret-1|ghs_|eC1hY2Nlc3M/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
