import { jsonEvents, type JsonEvent } from './events.js';
/**
 * Checks shared by the key=value firewall suites (FortiGate, SonicWall, Sophos XG): the pre-filter parity between
 * `parse` and `scan`, and the bad-input properties (garbage, every truncation of a line, a 1 MB line, replacement
 * characters) of one vendor module.
 */
import { expect } from 'vitest';
import type { NetworkEvent } from '../../src/model/event.js';
import { createRecordParser, parseText } from '../../src/parsers/record-parser.js';
import { parseSyslogLine } from '../../src/parsers/syslog/framing.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from '../../src/parsers/syslog/message.js';
import { isRejection, type ParseContext, type RecordOutcome } from '../../src/parsers/types.js';

export function events(outcomes: readonly RecordOutcome[]): JsonEvent[] {
  return jsonEvents(outcomes);
}

export function codes(outcomes: readonly RecordOutcome[]): string[] {
  return outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code));
}

/** Errors about a value (the record is well-formed): the scan may filter such a record before it looks at the value. */
const VALUE_ERRORS = new Set(['BAD_ADDRESS', 'BAD_TIME', 'BAD_VALUE', 'BAD_PORT', 'MISSING_FIELD']);

/**
 * `parse` (no pre-filter) and `scan` (pre-filter on port 104) agree line by line: the same events, skips and
 * structural errors; the scan may only say FILTERED where the parse's events all have a destination port other than
 * 104, or where the parse found a value-level error.
 */
export function expectPrefilterParity(text: string, ctx: ParseContext): { filtered: number } {
  const parse = parseText(text, ctx).outcomes;
  const scan = parseText(text, { ...ctx, prefilter: { dstPorts: new Set([104]) } }).outcomes;
  expect(scan.map((o) => o.line)).toEqual(parse.map((o) => o.line));
  let filtered = 0;
  parse.forEach((p, i) => {
    const s = scan[i]!;
    if (s.kind === 'skip' && s.code === 'FILTERED' && !(p.kind === 'skip' && p.code === 'FILTERED')) {
      filtered++;
      if (p.kind === 'events') {
        for (const e of p.events) expect(e.dstPort !== undefined && e.dstPort !== 104, `line ${p.line} filtered with port ${e.dstPort}`).toBe(true);
      } else {
        expect(p.kind === 'error' && VALUE_ERRORS.has(p.code), `line ${p.line}: ${p.kind} filtered`).toBe(true);
      }
      return;
    }
    expect(s, `line ${p.line}`).toEqual(p);
  });
  return { filtered };
}

const CTX: MessageContext = { file: 'fuzz.log', lineNo: 1, time: { tz: 'UTC', year: 2026 } };

/** One line through the framing and the module, as the syslog family runs it; must never throw. */
export function outcomeOf(format: MessageFormat, line: string): ReturnType<MessageFormat['parse']> {
  return format.parse(parseSyslogLine(line, CTX.time), CTX);
}

const TUPLE = ['time', 'srcIp', 'srcPort', 'dstIp', 'dstPort', 'protocol'] as const;

/**
 * Every prefix of `line` (a collector's line limit can cut anywhere): no exception, and an event from a prefix never
 * carries a tuple value the whole line does not (a field may be missing, never different), nor a different decision.
 * `trustedFrom`: prefixes shorter than this may carry a cut value the module cannot see (a last field it cannot tell
 * from a cut one); they are only required not to throw.
 */
export function expectTruncationsSafe(format: MessageFormat, line: string, trustedFrom = 0): void {
  const full = outcomeOf(format, line);
  expect(full !== NOT_MINE && !isRejection(full), 'the whole line parses').toBe(true);
  const whole = (Array.isArray(full) ? full[0] : full) as NetworkEvent;
  for (let n = 0; n < line.length; n++) {
    const prefix = line.slice(0, n);
    let result: ReturnType<MessageFormat['parse']> | undefined;
    expect(() => (result = outcomeOf(format, prefix)), `prefix of ${n}`).not.toThrow();
    if (n < trustedFrom || result === NOT_MINE || result === undefined || isRejection(result)) continue;
    const event = (Array.isArray(result) ? result[0] : result) as NetworkEvent;
    for (const field of TUPLE) {
      if (event[field] !== undefined) expect(event[field], `prefix of ${n}: ${field}`).toBe(whole[field]);
    }
    if (event.action !== undefined) expect(event.action, `prefix of ${n}: action`).toBe(whole.action);
    for (const field of ['bytes', 'packets'] as const) {
      if (event[field] !== undefined) expect(event[field], `prefix of ${n}: ${field}`).toBe(whole[field]);
    }
  }
}

/** Garbage, a 1 MB line, replacement characters, NULs: an outcome every time, never an exception. */
export function expectGarbageSafe(format: MessageFormat, sample: string): void {
  const inputs = [
    '', ' ', '=', '==', '"', 'logid=', 'id= sn=', 'log_type=', 'logid="', 'id=firewall sn=', 'log_type="Firewall',
    'CEF:0|Fortinet|Fortigate|7.2|00013|traffic|3|FTNTFGTlogid=0000000013 src=1.2.3.4',
    'LEEF:1.0|Fortinet|FortiGate|7.2|13|devname=FG\tlogid=0000000013\ttype=traffic',
    '\u0000\u0001\u0002', '\uFFFD\uFFFD logid=\uFFFD type=\uFFFD srcip=\uFFFD dstip=\uFFFD',
    sample.replace(/[0-9]/g, '\uFFFD'),
    sample.replace(/"/g, ''),
    sample.replace(/ /g, ''),
    sample.replace(/=/g, ' '),
    sample + ' ' + 'x'.repeat(1 << 20),
    'k="' + 'v'.repeat(1 << 20),
    sample.replace(/\d+\.\d+\.\d+\.\d+/g, '999.1.1.1'),
  ];
  for (const input of inputs) {
    expect(() => outcomeOf(format, input), JSON.stringify(input.slice(0, 60))).not.toThrow();
  }
  // Through the whole reader too, with every byte 0x80–0xff (invalid UTF-8 alone) in the line.
  const bytes = Buffer.concat([Buffer.from(sample.slice(0, 40)), Buffer.from(Array.from({ length: 128 }, (_, i) => 0x80 + i)), Buffer.from(sample.slice(40))]);
  expect(() => {
    const parser = createRecordParser({ file: 'x', year: 2026 });
    parser.push(bytes);
    parser.end();
  }).not.toThrow();
}
