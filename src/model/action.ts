import type { Action } from './event.js';

/**
 * Vendor and pipeline spellings of a firewall decision. Reject counts as deny: the connection was refused by
 * policy (AWS VPC `REJECT`, Check Point `Reject`); `drop` is kept apart because it is silent; `reset` covers the
 * TCP-reset variants. Anything else (session-end reasons, `alert`, `close`) states no decision: absent.
 */
export const ACTION_WORDS: Readonly<Record<string, Action>> = {
  allow: 'allow', allowed: 'allow', accept: 'allow', accepted: 'allow', permit: 'allow', permitted: 'allow',
  pass: 'allow', passthrough: 'allow', a: 'allow',
  deny: 'deny', denied: 'deny', reject: 'deny', rejected: 'deny', block: 'deny', blocked: 'deny', d: 'deny',
  drop: 'drop', dropped: 'drop', 'drop-icmp': 'drop', 'drop-all-packets': 'drop',
  reset: 'reset', rst: 'reset', 'reset-client': 'reset', 'reset-server': 'reset', 'reset-both': 'reset',
  'reset-source': 'reset', 'reset-destination': 'reset',
};

/** The spellings logs write most (`deny`, `DENY`, `Deny`), answered without building the compared form. */
const AS_WRITTEN: ReadonlyMap<string, Action> = new Map(Object.entries(ACTION_WORDS).flatMap(([word, action]) =>
  [word, word.toUpperCase(), word.charAt(0).toUpperCase() + word.slice(1)].map((w) => [w, action] as const)));

/**
 * Normalize an action as logs write it (`Allow`, `ACCEPT`, `denied`, `reset-both`, PAN-OS's `Reset both`, ASIM's
 * `Drop ICMP` / `Reset Source`) to the event model's value; spaces and `_` count as `-`.
 */
export function normalizeAction(text: string): Action | undefined {
  const exact = AS_WRITTEN.get(text);
  if (exact !== undefined) return exact;
  const key = text.trim().toLowerCase().replace(/[\s_]+/g, '-');
  return Object.hasOwn(ACTION_WORDS, key) ? ACTION_WORDS[key] : undefined;
}
