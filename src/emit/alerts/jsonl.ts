import { ALERT_GROUP_FIELDS, type Alert } from '../../model/alert.js';

/**
 * One alert as a JSON line, keys in the contract's order: rule, time, the group keys the rule groups on (event-model
 * names, in ALERT_GROUP_FIELDS order), count, value and aggregate when the aggregate is not the event count, then
 * firstSeen, lastSeen, dstPorts, actions, severity, devices.
 *
 * Written member by member, as JSON.stringify writes an object of those members in that order (a member whose
 * value JSON leaves out is left out): one string per alert, where an object rebuilt in order for JSON.stringify
 * cost several times as much (a scan may write millions).
 */
export function alertJsonLine(a: Alert): string {
  let members = member('rule', a.rule) + member('time', a.time);
  for (const f of ALERT_GROUP_FIELDS) members += member(f, a[f]);
  members += member('count', a.count) + member('value', a.value) + member('aggregate', a.aggregate) +
    member('firstSeen', a.firstSeen) + member('lastSeen', a.lastSeen) + member('dstPorts', a.dstPorts) +
    member('actions', a.actions) + member('severity', a.severity) + member('devices', a.devices);
  return `{${members.slice(1)}}`;
}

/** `,"name":value`, or nothing when JSON has no text for the value (undefined, a function). */
function member(name: string, value: unknown): string {
  if (value === undefined) return '';
  // whole numbers (counts, ports) are their own text; anything else as JSON.stringify writes it
  const text: string | undefined = Number.isSafeInteger(value) ? String(value) : JSON.stringify(value);
  return text === undefined ? '' : `,"${name}":${text}`;
}
