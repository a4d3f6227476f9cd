import type { CheckConclusion } from "../../github/check-runs.js";

export interface Verdict {
  conclusion: CheckConclusion;
  title: string;
  summary: string;
}

/**
 * The `codex review` check: `failure` only when `block_on` is set and a finding at or above that
 * priority is present at the current head (a merge gate); `neutral` when there are findings;
 * `success` when there are none. A partial review is never reported as a clean one.
 */
export function decideVerdict(findings: readonly { priority: number }[], blockOn: number | null, partial: boolean): Verdict {
  const counts = [0, 1, 2, 3].map((p) => findings.filter((f) => f.priority === p).length);
  const summary = counts.map((n, p) => (n ? `${n} × P${p}` : "")).filter(Boolean).join(", ") || "no findings";
  const blocking = blockOn === null ? 0 : findings.filter((f) => f.priority <= blockOn).length;
  if (blocking > 0) return { conclusion: "failure", title: `${blocking} blocking finding${blocking === 1 ? "" : "s"} (P${blockOn} or higher)`, summary };
  if (findings.length > 0) return { conclusion: "neutral", title: `${findings.length} finding${findings.length === 1 ? "" : "s"}`, summary };
  if (partial) return { conclusion: "neutral", title: "Partial review: no findings in the reviewed files", summary };
  return { conclusion: "success", title: "No issues found", summary };
}
