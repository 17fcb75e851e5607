import type { Alert } from '../../model/alert.js';

/** One alert as a JSON line, keys in the contract's order. */
export function alertJsonLine(a: Alert): string {
  return JSON.stringify({
    rule: a.rule, time: a.time, srcIp: a.srcIp, dstIp: a.dstIp, count: a.count, firstSeen: a.firstSeen,
    lastSeen: a.lastSeen, dstPorts: a.dstPorts, actions: a.actions, severity: a.severity, devices: a.devices,
  });
}
