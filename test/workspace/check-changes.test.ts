import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkOutgoingChanges } from "../../src/workspace/check-changes.js";

describe("checkOutgoingChanges: what may leave the sandbox", () => {
  let dir: string;
  const policy = { allowWorkflowChanges: false, maxFileBytes: 1024, secrets: ["ghs_installation_token_value"] };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "changes-"));
    mkdirSync(join(dir, ".github/workflows"), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("an ordinary change passes", async () => {
    writeFileSync(join(dir, "a.txt"), "hello\n");
    expect(await checkOutgoingChanges(dir, [{ status: "A", path: "a.txt" }], policy)).toEqual([]);
  });

  test("workflow files are refused unless allowed, even deletions", async () => {
    writeFileSync(join(dir, ".github/workflows/ci.yml"), "on: push\n");
    const changes = [{ status: "M" as const, path: ".github/workflows/ci.yml" }, { status: "D" as const, path: ".github/workflows/old.yml" }];
    expect(await checkOutgoingChanges(dir, changes, policy)).toHaveLength(2);
    expect(await checkOutgoingChanges(dir, changes, { ...policy, allowWorkflowChanges: true })).toEqual([]);
  });

  test("files over the size cap are refused", async () => {
    writeFileSync(join(dir, "big.bin"), Buffer.alloc(2048));
    expect(await checkOutgoingChanges(dir, [{ status: "A", path: "big.bin" }], policy)).toEqual([expect.stringMatching(/big\.bin.*2048 bytes.*1024-byte limit/)]);
  });

  test("a known secret in a file or a symlink target is refused", async () => {
    writeFileSync(join(dir, "leak.txt"), "token=ghs_installation_token_value\n");
    symlinkSync("/ghs_installation_token_value", join(dir, "link"));
    const problems = await checkOutgoingChanges(dir, [{ status: "A", path: "leak.txt" }, { status: "A", path: "link" }], policy);
    expect(problems).toEqual([expect.stringMatching(/leak\.txt.*secret/), expect.stringMatching(/link.*secret/)]);
  });
});
