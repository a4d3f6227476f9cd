import { Context, type Probot } from "probot";
import { oncePerDelivery } from "../github/once-per-delivery.js";
import type { Octokit } from "../github/types.js";
import type { InboxDelivery } from "../store/store.js";

// The handlers are typed by event; the table holds them side by side.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventHandler = (context: Context<any>) => Promise<void>;

/** `event` or `event.action` → the handlers for it, as `app.on` would have registered them. */
export type EventRoutes = [events: readonly string[], handler: EventHandler][];

export function routesFor(routes: EventRoutes, event: string, action: string | null): EventHandler[] {
  const names = action ? [event, `${event}.${action}`] : [event];
  return routes.filter(([events]) => events.some((e) => names.includes(e))).map(([, handler]) => handler);
}

/** Every event name and `event.action` the routes take, for the app's subscription list. */
export function routedEvents(routes: EventRoutes): string[] {
  return [...new Set(routes.flatMap(([events]) => events))];
}

/**
 * Runs a delivery from the inbox through the handlers its event is routed to, with a Context
 * like the one Probot would have built while answering the webhook: an installation client
 * (whose token is fetched on its first request, now, after the answer), the delivery's id and
 * payload. Comments it posts happen once per delivery (see oncePerDelivery).
 */
export function createEventDispatch(app: Probot, routes: EventRoutes) {
  return async (delivery: InboxDelivery): Promise<void> => {
    const handlers = routesFor(routes, delivery.event, delivery.action);
    if (handlers.length === 0) return;
    const octokit = oncePerDelivery((await app.auth(delivery.installationId ?? undefined)) as unknown as Octokit, delivery.id, { redispatch: delivery.attempts > 1, since: delivery.receivedAt });
    const context = new Context({ id: delivery.id, name: delivery.event, payload: delivery.payload } as never, octokit as never, app.log);
    for (const handler of handlers) await handler(context);
  };
}
