import { ConfigError, readServerConfig } from "../../src/config/server-config.js";

describe("server config from the environment", () => {
  test("defaults apply when only the required settings are given", () => {
    const config = readServerConfig({ APP_ID: "123", WEBHOOK_SECRET: "s", OPENAI_API_KEY: "sk-x" });
    expect(config).toMatchObject({ CODEX_MODEL: "gpt-5.4", CODEX_MODEL_API: "responses", CODEX_DATA_DIR: "./.data", CODEX_CONCURRENCY: 2, CODEX_LABEL: "codex", githubHost: "github.com" });
  });

  test("every problem is reported at once, naming the variable", () => {
    let error: unknown;
    try {
      readServerConfig({ APP_ID: "abc", CODEX_CONCURRENCY: "0", CODEX_MODEL_API: "soap", OPENAI_BASE_URL: "not a url" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const name of ["APP_ID", "CODEX_CONCURRENCY", "CODEX_MODEL_API", "OPENAI_BASE_URL", "WEBHOOK_SECRET"]) expect(problems).toContain(name);
  });

  test("an API key is required unless a base URL points at a keyless server", () => {
    expect(() => readServerConfig({ APP_ID: "1", WEBHOOK_SECRET: "s" })).toThrow(/OPENAI_API_KEY/);
    expect(readServerConfig({ APP_ID: "1", WEBHOOK_SECRET: "s", OPENAI_BASE_URL: "http://localhost:11434/v1", CODEX_MODEL_API: "chat" }).CODEX_MODEL_API).toBe("chat");
  });

  test("the redelivery sweep runs every 5 minutes unless set; 0 turns it off, a negative or fractional value is refused", () => {
    expect(readServerConfig({}).CODEX_REDELIVERY_SWEEP_MINUTES).toBe(5);
    expect(readServerConfig({ CODEX_REDELIVERY_SWEEP_MINUTES: "0" }).CODEX_REDELIVERY_SWEEP_MINUTES).toBe(0);
    expect(readServerConfig({ CODEX_REDELIVERY_SWEEP_MINUTES: "15" }).CODEX_REDELIVERY_SWEEP_MINUTES).toBe(15);
    expect(() => readServerConfig({ CODEX_REDELIVERY_SWEEP_MINUTES: "-1" })).toThrow(/CODEX_REDELIVERY_SWEEP_MINUTES/);
    expect(() => readServerConfig({ CODEX_REDELIVERY_SWEEP_MINUTES: "2.5" })).toThrow(/CODEX_REDELIVERY_SWEEP_MINUTES/);
  });

  test("the sandbox limits default to 8 GiB of memory, 512 processes, 20 GiB of workspace and 1 GiB of /tmp", () => {
    expect(readServerConfig({})).toMatchObject({ CODEX_SANDBOX_MEMORY_MB: 8192, CODEX_SANDBOX_PROCESSES: 512, CODEX_SANDBOX_DISK_MB: 20480, CODEX_SANDBOX_TMP_MB: 1024 });
    expect(readServerConfig({ CODEX_SANDBOX_MEMORY_MB: "2048", CODEX_SANDBOX_PROCESSES: "64" })).toMatchObject({ CODEX_SANDBOX_MEMORY_MB: 2048, CODEX_SANDBOX_PROCESSES: 64 });
  });

  test("invalid sandbox limits are reported together, each saying what it must be", () => {
    let error: unknown;
    try {
      readServerConfig({ CODEX_SANDBOX_MEMORY_MB: "8G", CODEX_SANDBOX_PROCESSES: "0", CODEX_SANDBOX_DISK_MB: "1.5", CODEX_SANDBOX_TMP_MB: "-1", CODEX_CONCURRENCY: "0" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual(expect.arrayContaining([
      "CODEX_SANDBOX_MEMORY_MB must be a whole number of MB above 0, e.g. 8192",
      "CODEX_SANDBOX_PROCESSES must be a whole number of processes above 0, e.g. 512",
      "CODEX_SANDBOX_DISK_MB must be a whole number of MB above 0, e.g. 20480",
      "CODEX_SANDBOX_TMP_MB must be a whole number of MB above 0, e.g. 1024",
    ]));
    expect(problems.join("\n")).toContain("CODEX_CONCURRENCY");
  });

  test("without APP_ID nothing is required (Probot shows its setup page)", () => {
    expect(readServerConfig({}).APP_ID).toBeUndefined();
  });

  test("GitHub Enterprise Server host sets the noreply host", () => {
    expect(readServerConfig({ GHE_HOST: "github.example.com:8443", GHE_PROTOCOL: "http" }).githubHost).toBe("github.example.com");
    expect(() => readServerConfig({ GHE_HOST: "https://github.example.com" })).toThrow(/GHE_HOST/);
  });
});
