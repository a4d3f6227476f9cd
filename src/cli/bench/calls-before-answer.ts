import type { FakeRestRequest } from "./fake-github-rest.js";

/** One delivery as the fake GitHub could tell it apart: what its dispatch may ask for, and when it was answered. */
export interface AnsweredDelivery {
  keys: string[];
  answeredAt: number;
}

/**
 * What a request is about, in the terms of BenchEvent.keys: the installation whose token it
 * fetches, the repository whose config it reads, the issue it comments on, the user whose
 * permission it asks. Undefined for anything else, which any delivery may have caused.
 */
export function callKey(request: FakeRestRequest): string | undefined {
  const path = request.path.split("?")[0]!;
  const token = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
  if (token) return `installation:${token[1]}`;
  if (path === "/app") return "app";
  const permission = /^\/repos\/([^/]+\/[^/]+)\/collaborators\/([^/]+)\/permission$/.exec(path);
  if (permission) return `permission:${permission[1]}:${decodeURIComponent(permission[2]!)}`;
  const onIssue = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\//.exec(path);
  if (onIssue) return `issue:${onIssue[1]}#${onIssue[2]}`;
  const contents = /^\/repos\/([^/]+\/[^/]+)\/contents\//.exec(path);
  if (contents) return `repo:${contents[1]}`;
  return undefined;
}

/**
 * The calls that arrived before any delivery that could have caused them had been answered:
 * calls an answer waited for (or a dispatch that overtook its own answer). Every other call
 * came after its delivery's answer, from the dispatcher. With distinct issues and senders per
 * trigger, only the shared token, config and `/app` reads have more than one candidate.
 */
export function callsBeforeAnswer(requests: FakeRestRequest[], deliveries: AnsweredDelivery[]): FakeRestRequest[] {
  const firstAnswer = new Map<string, number>();
  let anyAnswer = Number.POSITIVE_INFINITY;
  for (const d of deliveries) {
    anyAnswer = Math.min(anyAnswer, d.answeredAt);
    for (const key of d.keys) firstAnswer.set(key, Math.min(firstAnswer.get(key) ?? Number.POSITIVE_INFINITY, d.answeredAt));
  }
  return requests.filter((r) => {
    const key = callKey(r);
    return r.at < (key === undefined ? anyAnswer : firstAnswer.get(key) ?? anyAnswer);
  });
}
