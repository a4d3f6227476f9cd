import type { EventRoutes } from "../intake/dispatch-event.js";
import { handleCheckSuiteCompleted } from "./check-suite.js";
import { handleIssueComment, type CommentDeps } from "./issue-comment.js";
import { handleIssueLabeled } from "./issue-labeled.js";
import { handlePullRequestClosed } from "./pull-request-closed.js";
import { handlePullRequest, REVIEWED_ACTIONS } from "./pull-request.js";
import { handlePush } from "./push.js";
import { handleReviewComment } from "./review-comment.js";

/**
 * Which handler takes which event: the table the inbox dispatcher reads (what `app.on` calls
 * were when handlers ran inside the webhook request). app.yml subscribes to exactly these events.
 */
export function createEventRoutes(deps: CommentDeps): EventRoutes {
  return [
    [["issues.labeled"], handleIssueLabeled(deps)],
    [REVIEWED_ACTIONS, handlePullRequest(deps)],
    [["pull_request.closed"], handlePullRequestClosed(deps)],
    [["check_suite.completed"], handleCheckSuiteCompleted(deps)],
    [["issue_comment.created"], handleIssueComment(deps)],
    [["pull_request_review_comment.created"], handleReviewComment(deps)],
    [["push"], handlePush(deps)],
  ];
}
