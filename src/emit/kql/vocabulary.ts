/**
 * How the event model's values are spelled in text columns, so a KQL test matches what the engine matches.
 *
 * The engine compares normalised values: a log saying `TCP`, `6` or `Tcp` is an event with `protocol: tcp`, and
 * `DENIED`, `reject` or `Block` an event with `action: deny` (src/model/protocol.ts, src/model/action.ts). A KQL
 * query compares the raw column, so each rule value becomes the list of spellings that normalise to it, compared
 * case-insensitively (`in~`). The lists come from the model's own tables; test/kql.test.ts checks that every
 * spelling normalises back to its value with the model's own functions.
 *
 * What a spelling list cannot cover is listed in the README ("KQL and the engine: what cannot be made equal"):
 * protocol numbers written with leading zeros (`006`), and action words with other separators than `-`, `_` or one
 * space.
 */
import { ACTION_WORDS } from '../../model/action.js';
import { PROTOCOL_ALIASES as MODEL_PROTOCOL_ALIASES, protocolNumber } from '../../model/protocol.js';

/** The model's protocol aliases by keyword: `ipv6-icmp` → `icmpv6`, `icmp6`, … (src/model/protocol.ts). */
export const PROTOCOL_ALIASES: Readonly<Record<string, readonly string[]>> = groupBy(MODEL_PROTOCOL_ALIASES);

/**
 * The spellings of a protocol value (`tcp`, or a number with no keyword such as `253`) in a text column: the
 * keyword, its IANA number as text, and the aliases. `tcp` → `tcp`, `6`.
 */
export function protocolSpellings(value: string): string[] {
  const out = [value];
  const n = protocolNumber(value);
  if (n !== undefined && String(n) !== value) out.push(String(n));
  for (const alias of Object.hasOwn(PROTOCOL_ALIASES, value) ? PROTOCOL_ALIASES[value]! : []) out.push(alias);
  return out;
}

/** A protocol value as the IANA number a numeric column holds (`tcp` → 6); undefined when it has none. */
export function protocolAsNumber(value: string | number): number | undefined {
  return typeof value === 'number' ? value : protocolNumber(value);
}

/** `reset-both` → `reset-both`, `reset both`, `reset_both`: the separators normalizeAction treats alike. */
function withSeparators(...words: string[]): string[] {
  return words.flatMap((w) => (w.includes('-') ? [w, w.replaceAll('-', ' '), w.replaceAll('-', '_')] : [w]));
}

/**
 * Every word src/model/action.ts reads as a decision, by decision, with the separators it treats alike: the
 * vocabulary for free-text action columns (CommonSecurityLog's `DeviceAction`, written by whatever the device's
 * vendor chose).
 */
export const ACTION_SPELLINGS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(groupBy(ACTION_WORDS)).map(([action, words]) => [action, withSeparators(...words)]),
);

/** `{ word: value }` → `{ value: [word…] }`, in the table's order. */
function groupBy(table: Readonly<Record<string, string>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [word, value] of Object.entries(table)) (out[value] ??= []).push(word);
  return out;
}

/** All of ACTION_SPELLINGS in one list: "the column states a decision". */
export const ALL_ACTION_SPELLINGS: readonly string[] = Object.values(ACTION_SPELLINGS).flat();
