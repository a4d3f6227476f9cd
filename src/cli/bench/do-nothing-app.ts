// The intake benchmark's baseline: a Probot app that verifies each delivery's signature, answers
// it and does nothing else, started the way `npm start` starts codex-bot (Probot's `run()`, the
// same environment), so that the difference between the two is what codex-bot does to answer.
import { run } from "probot";

await run((app) => {
  app.onAny(async () => undefined);
});
