/**
 * Events a library caller hands the engine, checked and put in the event model's canonical form, as dicomwatch's
 * own parsers already produce them: two spellings of one address must be one group, `TCP` must match a rule's
 * `tcp`, and a value the engine cannot use must be refused by name rather than silently never match.
 */
import { DicomwatchError } from '../errors.js';
import { normalizeAction } from '../model/action.js';
import type { NetworkEvent } from '../model/event.js';
import { portOf } from '../model/port.js';
import { normalizeProtocol } from '../model/protocol.js';
import { canonicalIp } from '../net/ip.js';
import { parseTimestamp } from '../time/parse.js';

function badEvent(field: string, value: unknown, why: string): DicomwatchError {
  const shown = value === undefined ? 'missing' : JSON.stringify(value) ?? String(value);
  return new DicomwatchError('BAD_EVENT', `event field '${field}': ${shown} ${why}`, field);
}

/** Absent for the engine: JSON and other tools write an absent value as null. */
function absent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/** Epoch milliseconds, the event model's time; ISO-8601 text (its JSON form) is read too. */
function canonicalTime(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 8.64e15) return Math.trunc(value);
  // Zone-less text is read as UTC, the CLI's default --tz.
  const ms = typeof value === 'string' ? parseTimestamp(value, { tz: 'UTC' }) : undefined;
  if (ms === undefined) throw badEvent('time', value, 'is not a time (epoch milliseconds, or ISO-8601 text such as 2026-03-16T10:00:00Z)');
  return ms;
}

function canonicalAddress(field: 'srcIp' | 'dstIp', value: unknown): string {
  const ip = typeof value === 'string' ? canonicalIp(value) : undefined;
  if (ip === undefined) throw badEvent(field, value, 'is not an IPv4 or IPv6 address');
  return ip;
}

function canonicalPort(field: 'srcPort' | 'dstPort', value: unknown): number | undefined {
  if (absent(value)) return undefined;
  const port = portOf(value);
  if (typeof port !== 'number') throw badEvent(field, value, 'is not a port (an integer 0-65535)');
  return port;
}

function canonicalProtocol(value: unknown): string | undefined {
  if (absent(value)) return undefined;
  const protocol = typeof value === 'string' || typeof value === 'number' ? normalizeProtocol(value) : undefined;
  if (protocol === undefined) throw badEvent('protocol', value, 'is not a protocol (a keyword such as tcp, or a number 0-255)');
  return protocol;
}

function canonicalAction(value: unknown): NetworkEvent['action'] {
  if (absent(value)) return undefined;
  const action = typeof value === 'string' ? normalizeAction(value) : undefined;
  if (action === undefined) throw badEvent('action', value, 'is not an action (allow, deny, drop, reset or a vendor spelling of one)');
  return action;
}

function canonicalDevice(value: unknown): string | undefined {
  if (absent(value)) return undefined;
  if (typeof value !== 'string') throw badEvent('device', value, 'is not a string');
  return value;
}

/** The fields the engine reads, with their canonical form. */
const CANONICAL: readonly [keyof NetworkEvent, (value: unknown) => unknown][] = [
  ['time', canonicalTime],
  ['srcIp', (v) => canonicalAddress('srcIp', v)],
  ['dstIp', (v) => canonicalAddress('dstIp', v)],
  ['srcPort', (v) => canonicalPort('srcPort', v)],
  ['dstPort', (v) => canonicalPort('dstPort', v)],
  ['protocol', canonicalProtocol],
  ['action', canonicalAction],
  ['device', canonicalDevice],
];

/**
 * The event in canonical form, or a DicomwatchError `BAD_EVENT` naming the field and its value. Checked: what the
 * engine reads (time, addresses, ports, protocol, action, device); other fields are passed through as given. Null
 * counts as absent for the optional fields. An event already canonical is returned as it is; otherwise a copy
 * (the caller's object is never modified).
 */
export function canonicalEvent(event: unknown): NetworkEvent {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new DicomwatchError('BAD_EVENT', `an event must be an object, not ${JSON.stringify(event) ?? String(event)}`, 'event');
  }
  const given = event as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const [field, canonical] of CANONICAL) {
    const value = canonical(given[field]);
    if (value === given[field]) continue;
    copy ??= { ...given };
    if (value === undefined) delete copy[field];
    else copy[field] = value;
  }
  return (copy ?? given) as unknown as NetworkEvent;
}
