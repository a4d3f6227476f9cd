import type { Logger } from "pino";
import type { Store } from "../store/store.js";
import { deliveryTarget } from "./delivery-target.js";

export interface VerifiedDelivery {
  id: string;
  name: string;
  payload: unknown;
}

/**
 * The whole of the HTTP path after the signature check: write the delivery to the inbox and
 * return, so GitHub gets its 2xx in milliseconds and nothing is lost if GitHub's API, or the bot,
 * then has a bad minute. A delivery id already in the inbox (GitHub redelivers with the same
 * id) is answered the same way and not recorded again. A failure to record throws, so GitHub
 * sees a failed delivery and the redelivery sweep can ask for it again.
 */
export function createDeliveryRecorder(store: Store, log: Logger, onRecorded: () => void) {
  return async (event: VerifiedDelivery): Promise<void> => {
    const fresh = await store.recordDelivery({ id: event.id, event: event.name, ...deliveryTarget(event.payload), payload: event.payload, receivedAt: Date.now() });
    if (!fresh) return log.info({ delivery: event.id, event: event.name }, "ignored: delivery already in the inbox");
    log.debug({ delivery: event.id, event: event.name }, "delivery recorded");
    onRecorded();
  };
}
