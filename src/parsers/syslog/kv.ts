/**
 * `key=value` messages (FortiGate, SonicWall, Sophos, Meraki, netfilter…): `k=v k2="a quoted value, with = and
 * spaces" k3=`. One linear pass, no regular expressions: values are either a run of non-space characters or a
 * double-quoted string (`\"` and `\\` escaped inside). A word without `=` is skipped (netfilter's `DF`, `SYN`).
 * An opening quote that never closes takes the rest of the line and is reported in `unbalanced`, so a module can
 * call the message malformed instead of trusting what follows.
 */
export interface KeyValues {
  /** First occurrence wins: some messages repeat a key (netfilter's IP and UDP `LEN=`). */
  values: Map<string, string>;
  /** A quoted value ran to the end of the line without its closing quote. */
  unbalanced: boolean;
}

const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const BACKSLASH = 92;

/**
 * The one pass both readers share: for each `key=value` pair, `select(keyStart, keyEnd)` says which slot wants the
 * value (-1: none; the value is then stepped over without building a string) and `store(slot, value)` takes it.
 * Returns whether a quoted value ran to the end without its closing quote.
 */
function scanPairs(text: string, from: number, to: number, select: (keyStart: number, keyEnd: number) => number, store: (slot: number, value: string) => void): boolean {
  let unbalanced = false;
  let i = from;
  while (i < to) {
    let c = text.charCodeAt(i);
    if (c === SPACE || c === TAB) {
      i++;
      continue;
    }
    const keyStart = i;
    while (i < to && (c = text.charCodeAt(i)) !== 61 /* = */ && c !== SPACE && c !== TAB) i++;
    if (i >= to || c !== 61) continue; // a bare word
    const slot = select(keyStart, i);
    i++; // past `=`
    if (text.charCodeAt(i) === QUOTE) {
      i++;
      let parts = '';
      let start = i;
      for (;;) {
        if (i >= to) {
          unbalanced = true;
          break;
        }
        c = text.charCodeAt(i);
        if (c === BACKSLASH && i + 1 < to) {
          if (slot >= 0) parts += text.slice(start, i);
          start = i + 1; // keep the escaped character
          i += 2;
          continue;
        }
        if (c === QUOTE) break;
        i++;
      }
      if (slot >= 0) store(slot, parts + text.slice(start, Math.min(i, to)));
      i++; // past the closing quote
    } else {
      const start = i;
      while (i < to && (c = text.charCodeAt(i)) !== SPACE && c !== TAB) i++;
      if (slot >= 0) store(slot, text.slice(start, i));
    }
  }
  return unbalanced;
}

export function parseKeyValues(text: string, from = 0, to = text.length): KeyValues {
  const values = new Map<string, string>();
  let key = '';
  const unbalanced = scanPairs(text, from, to, (a, b) => {
    key = text.slice(a, b);
    return key !== '' && !values.has(key) ? 0 : -1;
  }, (_slot, value) => values.set(key, value));
  return { values, unbalanced };
}

/**
 * Where the first pair `parseKeyValues` reads in [from, to) whose key is `key` starts, or -1; `at` (when not -1)
 * asks instead whether a pair with that key starts exactly there. For the checks that must know where a pair starts,
 * not only its value: `key=` inside a quoted value is no key (kv-firewall.ts).
 */
export function keyStartOf(text: string, key: string, at = -1, from = 0, to = text.length): number {
  let found = -1;
  scanPairs(text, from, to, (a, b) => {
    if (found === -1 && b - a === key.length && (at === -1 || a === at) && text.startsWith(key, a)) found = a;
    return -1;
  }, noStore);
  return found;
}

function noStore(): void {}

/**
 * The values of `keys` only, as `parseKeyValues` would give them (first occurrence wins, quoted values unescaped),
 * into `values` (in `keys` order; undefined when absent): nothing is sliced for the other keys, so a module that
 * needs five keys of a thirty-key message builds five strings. Returns `unbalanced`.
 */
export function pickKeyValues(text: string, keys: readonly string[], values: (string | undefined)[], from = 0, to = text.length): boolean {
  if (values.length !== keys.length) values.length = keys.length;
  values.fill(undefined);
  if (!hasQuoteOrTab(text, from, to)) {
    // Without quotes or tabs a pair is a space-free `key=value` token, so the first pair with a key is the first
    // `key=` at the start or after a space: found by the engine's own search instead of a character loop.
    for (let k = 0; k < keys.length; k++) values[k] = firstPlainValue(text, keys[k]!, from, to);
    return false;
  }
  return scanPairs(text, from, to, (a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      if (key.length === b - a && values[k] === undefined && text.startsWith(key, a)) return k;
    }
    return -1;
  }, (slot, value) => {
    values[slot] = value;
  });
}

function hasQuoteOrTab(text: string, from: number, to: number): boolean {
  const q = text.indexOf('"', from);
  if (q !== -1 && q < to) return true;
  const t = text.indexOf('\t', from);
  return t !== -1 && t < to;
}

/** The value of the first `key=` token in [from, to) of a text without quotes or tabs. */
function firstPlainValue(text: string, key: string, from: number, to: number): string | undefined {
  if (key === '') return undefined;
  let at = from;
  for (;;) {
    at = text.indexOf(key, at);
    if (at === -1 || at + key.length >= to + 1) return undefined;
    const end = at + key.length;
    if ((at === from || text.charCodeAt(at - 1) === SPACE) && end < to && text.charCodeAt(end) === 61 /* = */) {
      let stop = text.indexOf(' ', end + 1);
      if (stop === -1 || stop > to) stop = to;
      return text.slice(end + 1, stop);
    }
    at++;
  }
}
