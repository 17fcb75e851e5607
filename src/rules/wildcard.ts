/**
 * Sigma wildcard patterns: `*` matches any run of characters, `?` exactly one; `\*`, `\?` and `\\` are the literal
 * characters, and a backslash before anything else is itself (Sigma specification, "Wildcards" and "Escaping").
 * Shared by the compiler (to tell a pattern from a plain value), the engine (to match) and the KQL renderer.
 */

/** One piece of a parsed pattern: literal text, `*` or `?`. */
export type PatternPart = { kind: 'text'; text: string } | { kind: 'star' } | { kind: 'one' };

/** A pattern's parts; adjacent literals joined, runs of `*` collapsed to one. */
export function parsePattern(pattern: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const next = pattern[i + 1];
    if (c === '\\' && (next === '*' || next === '?' || next === '\\')) {
      text += next;
      i++;
    } else if (c === '*') {
      flush();
      if (parts.at(-1)?.kind !== 'star') parts.push({ kind: 'star' });
    } else if (c === '?') {
      flush();
      parts.push({ kind: 'one' });
    } else text += c;
  }
  flush();
  return parts;
}

/** Whether a plain Sigma value is a pattern: it holds an unescaped `*` or `?`. */
export function hasWildcard(value: string): boolean {
  return parsePattern(value).some((p) => p.kind !== 'text');
}

/** The literal text of a pattern without wildcards (its escapes undone). */
export function patternText(parts: readonly PatternPart[]): string {
  return parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
}

/**
 * A matcher for one pattern. Linear-space, O(text × pattern) time in the worst case (the classic greedy match that
 * backtracks only to the last `*`), never exponential, whatever the log text: a pattern from a rule and text from
 * a hostile log must not hang the engine.
 */
export function compilePattern(pattern: string, cased: boolean): (text: string) => boolean {
  const norm = (s: string) => (cased ? s : s.toLowerCase());
  // One token per character position: a literal character, or a wildcard.
  const tokens: (string | '*' | '?')[] = [];
  const literal: boolean[] = [];
  for (const part of parsePattern(pattern)) {
    if (part.kind === 'text') {
      for (const ch of norm(part.text)) {
        tokens.push(ch);
        literal.push(true);
      }
    } else {
      tokens.push(part.kind === 'star' ? '*' : '?');
      literal.push(false);
    }
  }
  return (raw) => {
    const text = [...norm(raw)];
    let t = 0;
    let p = 0;
    let starP = -1;
    let starT = 0;
    while (t < text.length) {
      if (p < tokens.length && (tokens[p] === text[t] && literal[p] || (tokens[p] === '?' && !literal[p]))) {
        t++;
        p++;
      } else if (p < tokens.length && tokens[p] === '*' && !literal[p]) {
        starP = p++;
        starT = t;
      } else if (starP >= 0) {
        p = starP + 1;
        t = ++starT;
      } else return false;
    }
    while (p < tokens.length && tokens[p] === '*' && !literal[p]) p++;
    return p === tokens.length;
  };
}
