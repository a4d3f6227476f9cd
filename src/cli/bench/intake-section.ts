import type { FakeRestRequest } from "./fake-github-rest.js";
import { measureIntake, type IntakeOptions } from "./intake-acknowledgement.js";
import { ms, percentile, ratio, type Verdict } from "./measure.js";
import type { Acknowledgement } from "./signed-burst.js";

const OPTIONS: IntakeOptions = { burst: 250, mix: { repositories: 3, triggerEvery: 50, commentEvery: 3 }, singles: 50, warmup: 20, githubDelayMs: 150 };
const SINGLE_P50_TARGET_MS = 10;

const CALL_KINDS: [string, RegExp][] = [
  ["installation tokens", /^POST \/app\/installations\/\d+\/access_tokens$/],
  ["config reads", /^GET \/repos\/[^/]+\/[^/]+\/contents\//],
  ["GET /app", /^GET \/app$/],
  ["permission reads", /^GET \/repos\/[^/]+\/[^/]+\/collaborators\/[^/]+\/permission$/],
  ["comments", /^POST \/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/],
  ["reactions", /\/reactions$/],
];

/** "1 installation tokens, 3 config reads, …": the calls by kind, anything unexpected named in full. */
function callsByKind(calls: FakeRestRequest[]): string {
  const counts = new Map<string, number>();
  for (const c of calls) {
    const route = `${c.method} ${c.path.split("?")[0]}`;
    const kind = CALL_KINDS.find(([, pattern]) => pattern.test(route))?.[0] ?? route;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([kind, n]) => `${n} ${kind}`).join(", ") || "none";
}

const p = (answers: Acknowledgement[], q: number) => percentile(answers.map((a) => a.ms), q);
const failed = (answers: Acknowledgement[]) => answers.filter((a) => a.status < 200 || a.status > 299).length;

/** (e) The intake benchmark, printed; its three targets as verdicts. */
export async function intakeSection(): Promise<Verdict[]> {
  const { kinds, burst, singles } = await measureIntake(OPTIONS);
  const { mix } = OPTIONS;
  console.log(`\n(e) webhook acknowledgement: codex-bot (node dist/main.js) beside a Probot app that does nothing, fake GitHub answering each call after ${OPTIONS.githubDelayMs} ms`);
  console.log(`    burst of ${OPTIONS.burst} concurrent signed deliveries over ${mix.repositories} repositories: ${kinds.ignoredLabels} labels other than codex, ${kinds.comments} comments without a mention, ${kinds.triggers} codex labels from readers (refused)`);
  console.log(`                        p50        p99        max`);
  for (const [name, answers] of [["codex-bot", burst.bot], ["do-nothing app", burst.baseline]] as const) {
    console.log(`    ${name.padEnd(18)}  ${ms(p(answers, 50)).padStart(9)}  ${ms(p(answers, 99)).padStart(9)}  ${ms(p(answers, 100)).padStart(9)}   non-2xx: ${failed(answers)}`);
  }
  const p99Ratio = p(burst.bot, 99) / p(burst.baseline, 99);
  console.log(`    codex-bot / do-nothing   p50 ${ratio(p(burst.bot, 50) / p(burst.baseline, 50))}, p99 ${ratio(p99Ratio)}`);
  console.log(`    GitHub calls while the burst was being answered: ${burst.callsWhileAnswering} (the dispatcher's, for deliveries already answered), before an answer they could be for: ${burst.callsBeforeAnswer}`);
  console.log(`    GitHub calls the burst cost once the inbox drained (${ms(burst.drainMs)} after the last answer): ${burst.cost.length}: ${callsByKind(burst.cost)}`);
  console.log(`    ${OPTIONS.singles} labels other than codex one at a time, each on a repository whose config is not cached yet (inbox drained between):`);
  console.log(`    codex-bot p50 ${ms(p(singles.bot, 50))}, p99 ${ms(p(singles.bot, 99))}; do-nothing app p50 ${ms(p(singles.baseline, 50))}, p99 ${ms(p(singles.baseline, 99))}; GitHub calls before an answer: ${singles.callsBeforeAnswer}`);
  const anyFailed = failed(burst.bot) + failed(singles.bot) > 0;
  const beforeAnswer = burst.callsBeforeAnswer + singles.callsBeforeAnswer;
  return [
    { name: "burst p99 no worse than the do-nothing app", pass: p99Ratio <= 1 && !anyFailed, detail: `${ms(p(burst.bot, 99))} vs ${ms(p(burst.baseline, 99))} (${ratio(p99Ratio)})${anyFailed ? ", some deliveries not answered 2xx" : ""}` },
    { name: `single delivery p50 < ${SINGLE_P50_TARGET_MS} ms`, pass: p(singles.bot, 50) < SINGLE_P50_TARGET_MS, detail: `${ms(p(singles.bot, 50))} (do-nothing app ${ms(p(singles.baseline, 50))})` },
    { name: "no GitHub call before an answer", pass: beforeAnswer === 0, detail: `${burst.callsBeforeAnswer} in the burst, ${singles.callsBeforeAnswer} one at a time; the burst cost ${burst.cost.length} calls in all` },
  ];
}
