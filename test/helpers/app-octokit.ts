import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import type { Octokit } from "../../src/github/types.js";
import type { FakeGitHub } from "../fakes/fake-github.js";
import { generatePrivateKey } from "./bot-process.js";

/** What `app.auth()` gives the bot (the app's JWT), aimed at the fake GitHub, without retry or throttling waits. */
export async function fakeAppOctokit(github: FakeGitHub): Promise<Octokit> {
  const probot = new Probot({
    appId: 1,
    privateKey: generatePrivateKey(),
    baseUrl: github.apiUrl,
    log: pino({ level: "silent" }),
    Octokit: ProbotOctokit.defaults((options: object) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } })),
  });
  return (await probot.auth()) as Octokit;
}
