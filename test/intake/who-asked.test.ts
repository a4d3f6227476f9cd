import type { InboxDelivery } from "../../src/store/store.js";
import { whoAsked } from "../../src/intake/who-asked.js";

const names = { label: "codex", mention: "codex" };
const delivery = (event: string, action: string | null, payload: unknown): InboxDelivery => ({
  id: "g", event, action, installationId: 1, repository: "o/r", target: "o/r#4", payload, receivedAt: 0, status: "processing", attempts: 9, lastError: null,
});
const person = { login: "maintainer", type: "User" };

describe("whoAsked: whose request a delivery carries, from its payload alone", () => {
  test("the person who added the trigger label", () => {
    expect(whoAsked(delivery("issues", "labeled", { label: { name: "codex" }, issue: { number: 4 }, sender: person }), names)).toEqual({ number: 4, login: "maintainer" });
  });
  test("nobody, for another label or a bot's label", () => {
    expect(whoAsked(delivery("issues", "labeled", { label: { name: "bug" }, issue: { number: 4 }, sender: person }), names)).toBeUndefined();
    expect(whoAsked(delivery("issues", "labeled", { label: { name: "codex" }, issue: { number: 4 }, sender: { login: "ci[bot]", type: "Bot" } }), names)).toBeUndefined();
  });
  test("the author of an @codex command, in a conversation or a review thread", () => {
    const comment = { body: "@codex fix the tests", user: person };
    expect(whoAsked(delivery("issue_comment", "created", { comment, issue: { number: 4 } }), names)).toEqual({ number: 4, login: "maintainer" });
    expect(whoAsked(delivery("pull_request_review_comment", "created", { comment, pull_request: { number: 6 } }), names)).toEqual({ number: 6, login: "maintainer" });
  });
  test("nobody, for a comment without a command or a push", () => {
    expect(whoAsked(delivery("issue_comment", "created", { comment: { body: "> @codex quoted", user: person }, issue: { number: 4 } }), names)).toBeUndefined();
    expect(whoAsked(delivery("push", null, { ref: "refs/heads/main", sender: person }), names)).toBeUndefined();
  });
});
