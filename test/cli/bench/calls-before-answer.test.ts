import { callKey, callsBeforeAnswer } from "../../../src/cli/bench/calls-before-answer.js";
import { commentEvent, labeledEvent, refusedTriggerEvent } from "../../../src/cli/bench/intake-payloads.js";
import { percentile } from "../../../src/cli/bench/measure.js";

const call = (method: string, path: string, at: number) => ({ method, path, at });

describe("the intake benchmark's accounting", () => {
  test("a call is keyed by what it is about, in the terms the payloads use", () => {
    const trigger = refusedTriggerEvent("repo-1", 1000);
    expect(callKey(call("POST", "/app/installations/77/access_tokens", 0))).toBe("installation:77");
    expect(callKey(call("GET", "/repos/octo/repo-1/contents/.github%2Fcodex.yml", 0))).toBe("repo:octo/repo-1");
    expect(callKey(call("GET", "/repos/octo/repo-1/collaborators/reader-1000/permission", 0))).toBe("permission:octo/repo-1:reader-1000");
    expect(callKey(call("POST", "/repos/octo/repo-1/issues/1000/comments", 0))).toBe("issue:octo/repo-1#1000");
    expect(callKey(call("GET", "/app", 0))).toBe("app");
    expect(callKey(call("GET", "/rate_limit", 0))).toBeUndefined();
    expect(trigger.keys).toEqual(expect.arrayContaining(["installation:77", "repo:octo/repo-1", "issue:octo/repo-1#1000", "permission:octo/repo-1:reader-1000"]));
    expect(commentEvent("repo-1", 3, "hi", "maintainer").keys).toContain("app");
  });

  test("only calls that arrived before every delivery they could be for was answered count", () => {
    const first = { keys: labeledEvent("repo-1", 1, "bug", "maintainer").keys, answeredAt: 10 };
    const trigger = { keys: refusedTriggerEvent("repo-2", 1000).keys, answeredAt: 30 };
    const calls = [
      call("POST", "/app/installations/77/access_tokens", 12), // after the first answer: the dispatcher's
      call("GET", "/repos/octo/repo-2/contents/.github%2Fcodex.yml", 20), // repo-2's only delivery not answered yet
      call("POST", "/repos/octo/repo-2/issues/1000/comments", 31),
      call("GET", "/rate_limit", 5), // about nothing in particular, before any answer
    ];
    expect(callsBeforeAnswer(calls, [first, trigger]).map((c) => c.at)).toEqual([20, 5]);
  });

  test("percentiles are nearest-rank", () => {
    const samples = Array.from({ length: 250 }, (_, i) => 250 - i);
    expect(percentile(samples, 50)).toBe(125);
    expect(percentile(samples, 99)).toBe(248);
    expect(percentile(samples, 100)).toBe(250);
    expect(percentile([7], 99)).toBe(7);
  });
});
