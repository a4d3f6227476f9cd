import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { addressRefusal } from "./address-policy.js";
import type { Checked } from "./request-check.js";

/** Every address a name resolves to. Injectable: tests answer as a hostile DNS server would. */
export type LookupAddresses = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

export const systemLookup: LookupAddresses = (hostname) => lookup(hostname, { all: true, order: "verbatim" });

/**
 * The one address the proxy connects to for `host`, resolved once, here. Every address the name
 * resolves to must be public: a name that answers a public and a private address is refused, not
 * filtered, since it is not what an allow-list entry meant. The caller connects to exactly the
 * returned address, never to the name, so a second answer (DNS rebinding) is never asked for.
 */
export async function resolveDestination(host: string, lookupAddresses: LookupAddresses): Promise<Checked<{ address: string }>> {
  if (isIP(host) !== 0) {
    const refusal = addressRefusal(host);
    return refusal ? { ok: false, reason: refusal } : { ok: true, address: host };
  }
  let answers: readonly { address: string }[];
  try {
    answers = await lookupAddresses(host);
  } catch (error) {
    return { ok: false, reason: `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? "lookup failed"})` };
  }
  if (answers.length === 0) return { ok: false, reason: `${host} resolves to no address` };
  for (const { address } of answers) {
    const refusal = addressRefusal(address);
    if (refusal) return { ok: false, reason: `${host} resolves to ${refusal.replace(/^\S+ is /, `${address}, `)}` };
  }
  return { ok: true, address: answers[0]?.address ?? "" };
}
