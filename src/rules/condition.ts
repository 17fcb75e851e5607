/**
 * Sigma condition expressions: `selection and not 1 of filter_*`, with `and`, `or`, `not`, parentheses,
 * `1 of`/`any of`/`all of` a pattern or `them`. Precedence as in pySigma: not > and > or.
 */
export type Condition =
  | { kind: 'ref'; name: string }
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'of'; quantifier: 'one' | 'all'; pattern: string };

const TOKEN = /\s*(\(|\)|[A-Za-z0-9_*-]+|\S)/y;

/** Parse a condition; throws an Error with a message (the caller adds file and position). */
export function parseCondition(text: string): Condition {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) tokens.push(m[1]!);
  if (tokens.length === 0) throw new Error('empty condition');
  if (tokens.includes('|')) throw new Error("aggregations ('| count() …') are Sigma 1 syntax; use a correlation rule");
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const expect = (t: string) => {
    if (next() !== t) throw new Error(`expected '${t}' in condition '${text}'`);
  };

  const parseOr = (): Condition => {
    const items = [parseAnd()];
    while (peek() === 'or') {
      next();
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const parseAnd = (): Condition => {
    const items = [parseNot()];
    while (peek() === 'and') {
      next();
      items.push(parseNot());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const parseNot = (): Condition => {
    if (peek() === 'not') {
      next();
      return { kind: 'not', item: parseNot() };
    }
    return parseAtom();
  };
  const parseAtom = (): Condition => {
    const t = next();
    if (t === undefined) throw new Error(`condition '${text}' ends too early`);
    if (t === '(') {
      const inner = parseOr();
      expect(')');
      return inner;
    }
    if (t === '1' || t === 'any' || t === 'all') {
      if (next() !== 'of') throw new Error(`expected 'of' after '${t}' in condition '${text}'`);
      const pattern = next();
      if (pattern === undefined || !/^[A-Za-z0-9_*]+$/.test(pattern)) throw new Error(`expected a pattern or 'them' after '${t} of'`);
      return { kind: 'of', quantifier: t === 'all' ? 'all' : 'one', pattern };
    }
    if (['and', 'or', 'not', ')', 'of'].includes(t) || !/^[A-Za-z0-9_-]+$/.test(t)) {
      throw new Error(`unexpected '${t}' in condition '${text}'`);
    }
    return { kind: 'ref', name: t };
  };

  const result = parseOr();
  if (pos !== tokens.length) throw new Error(`unexpected '${tokens[pos]}' in condition '${text}'`);
  return result;
}

/**
 * Names of the searches a `1 of`/`all of` pattern selects (`them` = all). Searches whose name starts with `_` are
 * never selected (Sigma spec, "1/all of them"; pySigma applies it to patterns too).
 */
export function matchPattern(pattern: string, names: readonly string[]): string[] {
  const selectable = names.filter((n) => !n.startsWith('_'));
  if (pattern === 'them') return selectable;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return selectable.filter((n) => re.test(n));
}

/** Render a condition back to Sigma text (used when options add a filter). */
export function renderCondition(c: Condition, parent: 'or' | 'and' | 'not' | 'top' = 'top'): string {
  switch (c.kind) {
    case 'ref':
      return c.name;
    case 'of':
      return `${c.quantifier === 'all' ? 'all' : '1'} of ${c.pattern}`;
    case 'not':
      return `not ${renderCondition(c.item, 'not')}`;
    case 'and':
    case 'or': {
      const text = c.items.map((i) => renderCondition(i, c.kind)).join(` ${c.kind} `);
      const needParens = parent === 'not' || (parent === 'and' && c.kind === 'or');
      return needParens ? `(${text})` : text;
    }
  }
}
