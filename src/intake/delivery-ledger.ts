/**
 * What the redelivery sweep needs to know about the inbox, and where it remembers what it asked
 * GitHub for. Async, because the store gets a PostgreSQL backend.
 */
export interface DeliveryLedger {
  /** True when the inbox holds this delivery GUID. */
  hasDelivery(guid: string): Promise<boolean>;
  /** received_at (ms) of the newest delivery in the inbox, if any. */
  newestDeliveryAt(): Promise<number | undefined>;
  /** How often, and when last, the sweep asked GitHub to redeliver this GUID. */
  redeliveryRequests(guid: string): Promise<{ count: number; lastAt: number } | undefined>;
  recordRedeliveryRequest(guid: string, at: number): Promise<void>;
}
