/**
 * `--output csv`: exactly the columns the rule's KQL returns — its group-by columns under the KQL output names, then
 * `TimeGenerated`, then the aggregate's column (`count_`, `dcount_DestinationPort`) — so the answer can be diffed
 * with Sentinel's. The shipped rule gives `SourceIP,DestinationIP,TimeGenerated,count_`.
 *
 * Several rules: one CSV table per rule (each with its header, rows in alert order), separated by a blank line,
 * rules in name order — each table is then the answer of that rule's query, which a union of columns with a
 * rule column would not be. A lone rule prints a plain CSV.
 */
import { ALERT_GROUP_FIELDS, alertGroupFields, alertValue, type Alert, type AlertList } from '../../model/alert.js';
import { operatorOf, type Aggregate } from '../../rules/aggregates.js';
import type { EventField, QueryPlan } from '../../rules/plan.js';
import { KQL_OUTPUT_NAMES, KQL_TIME_OUTPUT } from '../kql/tables.js';

/** The header printed when there is nothing to tell the columns from (no alerts, no plans): the shipped rule's. */
const REFERENCE_HEADER = 'SourceIP,DestinationIP,TimeGenerated,count_';

/** What decides a rule's columns. */
interface CsvShape {
  /** Group-by fields, in ALERT_GROUP_FIELDS order (compiled plans' and the KQL's `by` order). */
  group: EventField[];
  aggregate: Aggregate;
}

const EVENT_COUNT: Aggregate = { kind: 'count' };

/** A CSV field, quoted when it holds a quote, a comma or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function headerOf(shape: CsvShape): string {
  const output = (f: EventField) => KQL_OUTPUT_NAMES[f];
  // Aggregates rendered by their own pattern (temporal, per event) answer with the event count, `count_`.
  const aggregate = operatorOf(shape.aggregate).kql?.column(shape.aggregate, output) ?? 'count_';
  return [...shape.group.map(output), KQL_TIME_OUTPUT, aggregate].map(csvField).join(',');
}

/**
 * A KQL null key (the events lacked the field) is an empty cell, as Sentinel exports it. Joined: a flat string,
 * where `+=` leaves a rope of one node per piece (rows are kept until their table is written).
 */
function rowOf(a: Alert, shape: CsvShape): string {
  const cells: (string | number)[] = [];
  for (const f of shape.group) cells.push(csvField(String(a[f] ?? '')));
  cells.push(a.time, alertValue(a));
  return cells.join(',');
}

/** One rule's table. */
interface Block {
  rule: string;
  header: string;
  shape: CsvShape;
  /**
   * Its alerts' rows, in alert order: made in the one pass over the alerts (a lazy list builds an alert each time
   * it is read), and a row is a seventh of an alert's memory.
   */
  rows: string[];
}

/** The rules' tables, in rule-name order: every rule with alerts, and every plan's rule when plans are given. */
function blocksOf(alerts: AlertList, plans: readonly QueryPlan[]): Block[] {
  const blocks = new Map<string, Block>();
  const blockOf = (rule: string, shape: CsvShape): Block => {
    const header = headerOf(shape);
    const id = `${rule}\u0000${header}`;
    let block = blocks.get(id);
    if (!block) blocks.set(id, (block = { rule, header, shape, rows: [] }));
    return block;
  };
  for (const p of plans) blockOf(p.rule.name, { group: ALERT_GROUP_FIELDS.filter((f) => p.groupBy.includes(f)), aggregate: p.aggregate });
  // An alert's block by what decides it — rule, which keys it has, aggregate (a number for the keys, and the
  // aggregate's text only when it has one) — without making its header again.
  const byShape = new Map<string, Map<number | string, Block>>();
  for (const a of alerts) {
    let present = 0;
    for (let i = 0; i < ALERT_GROUP_FIELDS.length; i++) if (a[ALERT_GROUP_FIELDS[i]!] !== undefined) present |= 1 << i;
    const key = a.aggregate === undefined ? present : `${present}\u0000${JSON.stringify(a.aggregate)}`;
    let ofRule = byShape.get(a.rule);
    if (!ofRule) byShape.set(a.rule, (ofRule = new Map()));
    let block = ofRule.get(key);
    if (!block) ofRule.set(key, (block = blockOf(a.rule, { group: alertGroupFields(a), aggregate: a.aggregate ?? EVENT_COUNT })));
    block.rows.push(rowOf(a, block.shape));
  }
  return [...blocks.values()].sort((x, y) => (x.rule < y.rule ? -1 : x.rule > y.rule ? 1 : x.header < y.header ? -1 : 1));
}

/**
 * The CSV of `alerts` (in alert order) line by line, without newlines. `plans`, when given, add the tables of rules
 * without alerts (a header alone); without them the columns come from the alerts, and no alerts print the shipped
 * rule's header.
 */
export function* alertCsvLines(alerts: AlertList, plans: readonly QueryPlan[] = []): Generator<string> {
  const blocks = blocksOf(alerts, plans);
  if (blocks.length === 0) yield REFERENCE_HEADER;
  for (const [i, block] of blocks.entries()) {
    if (i > 0) yield ''; // a blank line between two rules' tables
    yield block.header;
    yield* block.rows;
  }
}
