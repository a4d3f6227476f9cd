/**
 * Why a running task was aborted when nobody asked to stop it: its worker is shutting down and
 * gives it back to the queue (`handedBack`), or another worker took it over after this one's
 * lease lapsed (`takenOver`). Either way the task is not finished here: no "stopped" report, no
 * status change; another worker runs it from the start.
 */
export class TaskInterruption extends Error {
  constructor(readonly why: "handedBack" | "takenOver", message: string) {
    super(message);
    this.name = "TaskInterruption";
  }
}

/** True when the signal aborted for a TaskInterruption rather than a stop request. */
export function interrupted(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof TaskInterruption;
}
