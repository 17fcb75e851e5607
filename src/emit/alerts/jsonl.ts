import { alertGroupFields, type Alert } from '../../model/alert.js';

/**
 * One alert as a JSON line, keys in the contract's order: rule, time, the group keys the rule groups on (event-model
 * names, in ALERT_GROUP_FIELDS order), count, value and aggregate when the aggregate is not the event count, then
 * firstSeen, lastSeen, dstPorts, actions, severity, devices.
 */
export function alertJsonLine(a: Alert): string {
  const keys = Object.fromEntries(alertGroupFields(a).map((f) => [f, a[f]]));
  return JSON.stringify({
    rule: a.rule, time: a.time, ...keys, count: a.count,
    ...(a.value !== undefined ? { value: a.value } : {}), ...(a.aggregate !== undefined ? { aggregate: a.aggregate } : {}),
    firstSeen: a.firstSeen, lastSeen: a.lastSeen, dstPorts: a.dstPorts, actions: a.actions, severity: a.severity, devices: a.devices,
  });
}
