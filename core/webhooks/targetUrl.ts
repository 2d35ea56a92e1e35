import { isIP } from "node:net";
import { refuseAddress, resolveEgressPolicy, type EgressPolicy } from "../net/addressPolicy.js";
import { bareHost, portOfUrl } from "../net/hosts.js";

/**
 * Why a task's `webhook_url` (already an http(s) URL, see urlField.ts) may not be used, or
 * undefined when it may: a host written as an IP address must be one the egress policy
 * allows. Checked when the task is created. Host names are resolved and checked at every
 * delivery instead (delivery.ts): what a name resolves to can change after the task was created.
 */
export function webhookAddressProblem(url: string, policy?: EgressPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be an absolute http or https URL";
  }
  const host = bareHost(parsed.hostname);
  if (isIP(host) === 0) return undefined;
  const port = portOfUrl(parsed) ?? 80;
  const refusal = refuseAddress(host, port, resolveEgressPolicy(policy));
  return refusal && `${host} is not a public address (${refusal.range}); webhooks are sent to public addresses only`;
}
