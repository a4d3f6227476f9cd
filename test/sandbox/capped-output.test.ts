import { CappedOutput } from "../../src/sandbox/capped-output.js";

function collect(limit: number, chunks: (string | Buffer)[]): CappedOutput {
  const output = new CappedOutput(limit);
  for (const chunk of chunks) output.push(chunk);
  return output;
}

describe("CappedOutput", () => {
  test("keeps everything under the limit, in arrival order", () => {
    const output = collect(100, ["out 1\n", "err 1\n", "out 2\n"]);
    expect(output.toString()).toBe("out 1\nerr 1\nout 2\n");
    expect(output.truncated).toBe(false);
    expect(output.totalBytes).toBe(18);
  });

  test("output of exactly the limit is not truncated", () => {
    const output = collect(10, ["01234", "56789"]);
    expect(output.toString()).toBe("0123456789");
    expect(output.truncated).toBe(false);
  });

  test("keeps the first and last halves and counts the bytes it dropped", () => {
    const text = "0123456789abcdefghijklmnopqrstuvwxyz";
    const chunks = text.match(/.{1,3}/g) ?? [];
    const output = collect(10, chunks);
    expect(output.toString()).toBe("01234\n[... 26 bytes omitted ...]\nvwxyz");
    expect(output.truncated).toBe(true);
    expect(output.totalBytes).toBe(36);
  });

  test("a single chunk larger than the limit", () => {
    const output = collect(8, ["head", "x".repeat(1000) + "TAIL"]);
    expect(output.toString()).toBe("head\n[... 1000 bytes omitted ...]\nTAIL");
  });

  test("an odd limit gives the extra byte to the head", () => {
    expect(collect(5, ["abcdefghij"]).toString()).toBe("abc\n[... 5 bytes omitted ...]\nij");
  });

  test("a UTF-8 character split across chunks decodes whole", () => {
    const bytes = Buffer.from("née ✓ done");
    const output = collect(100, [bytes.subarray(0, 2), bytes.subarray(2, 6), bytes.subarray(6)]);
    expect(output.toString()).toBe("née ✓ done");
  });

  test("a limit of zero keeps nothing but still counts", () => {
    const output = collect(0, ["abc"]);
    expect(output.toString()).toBe("\n[... 3 bytes omitted ...]\n");
    expect(output.totalBytes).toBe(3);
  });

  test("memory stays bounded while 200 MB go through", () => {
    const limit = 1_000_000;
    const output = new CappedOutput(limit);
    const chunk = Buffer.alloc(64 * 1024, "y");
    let maxBuffered = 0;
    let sent = 0;
    while (sent < 200_000_000) {
      const piece = chunk.subarray(0, Math.min(chunk.length, 200_000_000 - sent));
      output.push(piece);
      sent += piece.length;
      maxBuffered = Math.max(maxBuffered, output.bufferedBytes);
    }
    expect(maxBuffered).toBeLessThanOrEqual(2 * limit);
    expect(output.totalBytes).toBe(200_000_000);
    expect(output.toString().length).toBeLessThan(limit + 100);
    expect(output.toString()).toContain(`[... ${200_000_000 - limit} bytes omitted ...]`);
  });
});
