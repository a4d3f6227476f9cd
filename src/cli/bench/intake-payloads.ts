/**
 * Webhook payloads for the intake benchmark, minimal but valid for the handlers: what codex-bot
 * ignores (labels other than its trigger, comments that do not mention it) and triggers it
 * refuses (the `codex` label from someone with read access), so that no task starts and no
 * model is needed.
 */

export const INSTALLATION_ID = 77;
const OWNER = "octo";
const TRIGGER_LABEL = "codex";
const OTHER_LABELS = ["bug", "documentation", "help wanted", "good first issue"];

export interface BenchEvent {
  event: string;
  payload: Record<string, unknown>;
  /** What the dispatcher may ask GitHub for it, in callKey's terms (calls-before-answer.ts). */
  keys: string[];
}

export interface EventMix {
  repositories: number;
  /** Of every `triggerEvery` events, one is a refused trigger; of the rest, every `commentEvery`-th a comment. */
  triggerEvery: number;
  commentEvery: number;
}

const account = (login: string, id: number) => ({ login, id, type: "User", site_admin: false });

function repository(name: string) {
  return { id: [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000, 7), name, full_name: `${OWNER}/${name}`, private: false, owner: { login: OWNER, id: 1, type: "Organization" }, clone_url: `https://github.invalid/${OWNER}/${name}.git`, default_branch: "main" };
}

function issue(repo: string, number: number, author: string) {
  return { number, title: `Issue ${number}`, body: "Something to do.", state: "open", user: account(author, 4242), labels: [], html_url: `https://github.invalid/${OWNER}/${repo}/issues/${number}` };
}

function keysFor(repo: string, number: number, sender: string, extra: string[] = []): string[] {
  return [`installation:${INSTALLATION_ID}`, `repo:${OWNER}/${repo}`, `issue:${OWNER}/${repo}#${number}`, `permission:${OWNER}/${repo}:${sender}`, ...extra];
}

export function labeledEvent(repo: string, number: number, label: string, sender: string): BenchEvent {
  return {
    event: "issues",
    payload: { action: "labeled", installation: { id: INSTALLATION_ID }, repository: repository(repo), issue: issue(repo, number, sender), label: { id: 1, name: label, color: "ededed" }, sender: account(sender, 5000 + number) },
    keys: keysFor(repo, number, sender),
  };
}

export function commentEvent(repo: string, number: number, body: string, author: string): BenchEvent {
  const comment = { id: 90_000 + number, body, user: account(author, 4243), html_url: `https://github.invalid/${OWNER}/${repo}/issues/${number}#comment` };
  return {
    event: "issue_comment",
    payload: { action: "created", installation: { id: INSTALLATION_ID }, repository: repository(repo), issue: issue(repo, number, author), comment, sender: account(author, 4243) },
    // The comment handler looks up the bot's own login (GET /app) before it reads the comment.
    keys: keysFor(repo, number, author, ["app"]),
  };
}

/** A `codex` label from a reader: config, permission, one refusal comment. Each on its own issue, by its own sender. */
export function refusedTriggerEvent(repo: string, number: number): BenchEvent {
  return labeledEvent(repo, number, TRIGGER_LABEL, `reader-${number}`);
}

/** An event codex-bot has no handler for: answered, recorded, dispatched to nothing (for warming up). */
export function unroutedEvent(number: number): BenchEvent {
  const repo = "warm-up";
  return { event: "issues", payload: { action: "opened", installation: { id: INSTALLATION_ID }, repository: repository(repo), issue: issue(repo, number, "maintainer"), sender: account("maintainer", 4242) }, keys: [] };
}

/** `count` events over `mix.repositories` repositories, interleaved; trigger issue numbers start at `firstTrigger`. */
export function mixedBurst(count: number, mix: EventMix, firstTrigger: number): BenchEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const repo = `repo-${(i % mix.repositories) + 1}`;
    if (i % mix.triggerEvery === mix.triggerEvery - 1) return refusedTriggerEvent(repo, firstTrigger + i);
    const number = 1 + (i % 40);
    if (i % mix.commentEvery === 0) return commentEvent(repo, number, "Looks good to me, thanks!", "maintainer");
    return labeledEvent(repo, number, OTHER_LABELS[i % OTHER_LABELS.length]!, "maintainer");
  });
}

export function countKinds(events: BenchEvent[]): { ignoredLabels: number; comments: number; triggers: number } {
  const label = (e: BenchEvent) => (e.payload.label as { name?: string } | undefined)?.name;
  return {
    ignoredLabels: events.filter((e) => e.event === "issues" && label(e) !== TRIGGER_LABEL).length,
    comments: events.filter((e) => e.event === "issue_comment").length,
    triggers: events.filter((e) => label(e) === TRIGGER_LABEL).length,
  };
}
