interface Payload {
  action?: string;
  installation?: { id?: number };
  repository?: { full_name?: string };
  issue?: { number?: number };
  pull_request?: { number?: number };
  check_suite?: { head_sha?: string; pull_requests?: { number?: number }[] };
}

/**
 * Where a delivery belongs, read from its payload without asking GitHub: the issue or pull
 * request it is about (events for one are dispatched in the order received), or the repository
 * (or the app) for events about no single issue.
 */
export function deliveryTarget(payload: unknown): { installationId: number | null; repository: string | null; action: string | null; target: string } {
  const p = (payload ?? {}) as Payload;
  const repository = p.repository?.full_name ?? null;
  const number = p.issue?.number ?? p.pull_request?.number ?? p.check_suite?.pull_requests?.[0]?.number;
  const target = repository === null ? "app" : number === undefined ? repository : `${repository}#${number}`;
  return { installationId: p.installation?.id ?? null, repository, action: typeof p.action === "string" ? p.action : null, target };
}
