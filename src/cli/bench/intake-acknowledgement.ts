import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callsBeforeAnswer } from "./calls-before-answer.js";
import { startFakeGitHubRest, type FakeGitHubRest, type FakeRestRequest } from "./fake-github-rest.js";
import { countKinds, labeledEvent, mixedBurst, unroutedEvent, type BenchEvent, type EventMix } from "./intake-payloads.js";
import { startIntakeProcesses, waitForDrain, type IntakeProcesses } from "./intake-processes.js";
import { sendBurst, sendInTurn, signDelivery, type Acknowledgement } from "./signed-burst.js";

const BURST_TIMEOUT_MS = 30_000;
const DRAIN_TIMEOUT_MS = 120_000;
const SINGLES_TIMEOUT_MS = 120_000;
const FIRST_BURST_TRIGGER = 1_000;

export interface IntakeOptions {
  burst: number;
  mix: EventMix;
  singles: number;
  warmup: number;
  githubDelayMs: number;
}

export interface IntakeFigures {
  kinds: ReturnType<typeof countKinds>;
  burst: { bot: Acknowledgement[]; baseline: Acknowledgement[]; callsWhileAnswering: number; callsBeforeAnswer: number; cost: FakeRestRequest[]; drainMs: number };
  singles: { bot: Acknowledgement[]; baseline: Acknowledgement[]; callsBeforeAnswer: number };
}

/**
 * The intake benchmark: codex-bot and a Probot app that does nothing, side by side,
 * each sent a warm-up, then the same burst of concurrent signed deliveries, then the same
 * deliveries one at a time, with a fake GitHub that answers every call after `githubDelayMs`.
 */
export async function measureIntake(o: IntakeOptions): Promise<IntakeFigures> {
  const root = await mkdtemp(join(tmpdir(), "codex-bench-intake-"));
  const fake = await startFakeGitHubRest(o.githubDelayMs);
  try {
    await mkdir(join(root, "cwd"));
    const apps = await startIntakeProcesses(fake.host, join(root, "data"), join(root, "cwd"));
    try {
      const warm = Array.from({ length: o.warmup }, (_, i) => unroutedEvent(i + 1));
      for (const url of [apps.baseline.url, apps.bot.url]) await sendInTurn(url, sign(apps, warm), SINGLES_TIMEOUT_MS);
      await waitForDrain(apps.bot, DRAIN_TIMEOUT_MS);
      const events = mixedBurst(o.burst, o.mix, FIRST_BURST_TRIGGER);
      const burst = await measureBurst(apps, fake, events);
      // Each on a repository of its own, so that its dispatch reads a config the cache does not hold yet.
      const singles = await measureSingles(apps, fake, Array.from({ length: o.singles }, (_, i) => labeledEvent(`single-${i + 1}`, 1, "bug", "maintainer")));
      return { kinds: countKinds(events), burst, singles };
    } finally {
      await apps.stop();
    }
  } finally {
    await fake.close();
    await rm(root, { recursive: true, force: true });
  }
}

const sign = (apps: IntakeProcesses, events: BenchEvent[]) => events.map((e) => signDelivery(apps.secret, e.event, e.payload));

async function measureBurst(apps: IntakeProcesses, fake: FakeGitHubRest, events: BenchEvent[]): Promise<IntakeFigures["burst"]> {
  const baseline = await sendBurst(apps.baseline.url, sign(apps, events), BURST_TIMEOUT_MS);
  const start = performance.now();
  const bot = await sendBurst(apps.bot.url, sign(apps, events), BURST_TIMEOUT_MS);
  const lastAnswer = Math.max(...bot.map((a) => a.answeredAt));
  const during = fake.requests.filter((r) => r.at >= start);
  const answered = bot.map((a, i) => ({ keys: events[i]!.keys, answeredAt: a.answeredAt }));
  const drainMs = await waitForDrain(apps.bot, DRAIN_TIMEOUT_MS);
  return {
    bot,
    baseline,
    callsWhileAnswering: during.filter((r) => r.at <= lastAnswer).length,
    callsBeforeAnswer: callsBeforeAnswer(during, answered).length,
    cost: fake.requests.filter((r) => r.at >= start),
    drainMs,
  };
}

/** One at a time; codex-bot's inbox is drained after each answer, so a call inside a delivery's [sent, answered] is one its answer waited for. */
async function measureSingles(apps: IntakeProcesses, fake: FakeGitHubRest, events: BenchEvent[]): Promise<IntakeFigures["singles"]> {
  const baseline = await sendInTurn(apps.baseline.url, sign(apps, events), SINGLES_TIMEOUT_MS);
  const deadline = performance.now() + SINGLES_TIMEOUT_MS;
  const drained = async () => void (await waitForDrain(apps.bot, Math.max(0, deadline - performance.now())));
  const bot = await sendInTurn(apps.bot.url, sign(apps, events), SINGLES_TIMEOUT_MS, drained);
  const inWindow = fake.requests.filter((r) => bot.some((a) => r.at >= a.sentAt && r.at <= a.answeredAt));
  return { bot, baseline, callsBeforeAnswer: inWindow.length };
}
