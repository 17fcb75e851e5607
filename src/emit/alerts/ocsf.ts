/**
 * `--output ocsf`: each alert as an OCSF Detection Finding (class_uid 2004, OCSF schema 1.5.0), one JSON object per
 * line. Attribute names and enums are the OCSF schema's (github.com/ocsf/ocsf-schema: events/findings/finding.json
 * and detection_finding.json, objects/finding_info.json, analytic.json, evidences.json, metadata.json,
 * observable.json; base_event for the occurrence attributes); test/data/ocsf holds the subset used, as JSON Schema.
 *
 * | OCSF attribute | from the alert |
 * |---|---|
 * | class_uid 2004, category_uid 2, activity_id 1 (Create), type_uid 200401 | fixed: a new finding |
 * | severity_id / severity | the rule's level: informational 1, low 2, medium 3, high 4, critical 5 |
 * | time | lastSeen (epoch ms): when the finding could first be reported; deterministic, unlike the wall clock |
 * | start_time / end_time, count | firstSeen / lastSeen, the events in the group |
 * | finding_info.uid | UUID v5 of rule + bucket + group keys: the same alert always has the same uid |
 * | finding_info.title / desc / types | the rule's title; its description; the rule's name |
 * | finding_info.first_seen_time / last_seen_time | firstSeen / lastSeen |
 * | finding_info.analytic | name: the rule's name, uid: its Sigma id, type_id 1 (Rule) |
 * | evidences[0].src_endpoint.ip / dst_endpoint.ip, .port | srcIp / dstIp; the destination port when there is one |
 * | observables | the addresses (type_id 2, IP Address) |
 * | status_id 1 (New), is_alert true | fixed |
 * | unmapped.dicomwatch | bucket (time), dstPorts, actions, devices, value/aggregate: what OCSF has no place for |
 */
import { alertGroupFields, type Alert, type AlertList, type Severity } from '../../model/alert.js';
import type { QueryPlan } from '../../rules/plan.js';
import { VERSION } from '../../version.js';
import { DICOMWATCH_RULE_NAMESPACE, uuidV5 } from '../deploy/uuid.js';

/** The OCSF schema version the objects are written for. */
export const OCSF_VERSION = '1.5.0';

const SEVERITY: Readonly<Record<Severity, [number, string]>> = {
  informational: [1, 'Informational'],
  low: [2, 'Low'],
  medium: [3, 'Medium'],
  high: [4, 'High'],
  critical: [5, 'Critical'],
};

/** A finding's uid: stable for the same rule, bucket and group keys. */
export function findingUid(a: Alert): string {
  const keys = Object.fromEntries(alertGroupFields(a).map((f) => [f, a[f]]));
  return uuidV5(DICOMWATCH_RULE_NAMESPACE, JSON.stringify(['ocsf-finding', a.rule, a.time, keys]));
}

const ms = (iso: string): number => Date.parse(iso);

type Json = Record<string, unknown>;

/** The plan whose rule produced `a` (by name), if given. */
function planFor(a: Alert, plans: readonly QueryPlan[] | undefined): QueryPlan | undefined {
  return plans?.find((p) => p.rule.name === a.rule);
}

/** One alert as an OCSF Detection Finding object. */
export function ocsfFinding(a: Alert, plans?: readonly QueryPlan[]): Json {
  const rule = planFor(a, plans)?.rule;
  const [severityId, severity] = SEVERITY[a.severity] ?? [0, 'Unknown'];
  const dstPort = typeof a.dstPort === 'number' ? a.dstPort : a.dstPorts.length === 1 ? a.dstPorts[0] : undefined;
  const src: Json = typeof a.srcIp === 'string' ? { ip: a.srcIp } : {};
  if (typeof a.srcPort === 'number') src.port = a.srcPort;
  const dst: Json = typeof a.dstIp === 'string' ? { ip: a.dstIp } : {};
  if (dstPort !== undefined) dst.port = dstPort;
  const evidence: Json = {};
  if (Object.keys(src).length > 0) evidence.src_endpoint = src;
  if (Object.keys(dst).length > 0) evidence.dst_endpoint = dst;
  const observables: Json[] = [];
  if (src.ip !== undefined) observables.push({ name: 'evidences.src_endpoint.ip', type_id: 2, type: 'IP Address', value: src.ip });
  if (dst.ip !== undefined) observables.push({ name: 'evidences.dst_endpoint.ip', type_id: 2, type: 'IP Address', value: dst.ip });
  const title = rule?.title ?? a.rule;
  const first = ms(a.firstSeen);
  const last = ms(a.lastSeen);
  const where = [src.ip, dst.ip === undefined ? undefined : `${String(dst.ip)}${dstPort === undefined ? '' : `:${dstPort}`}`].filter((x) => x !== undefined);
  return {
    activity_id: 1,
    activity_name: 'Create',
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2004,
    class_name: 'Detection Finding',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    severity_id: severityId,
    severity,
    status_id: 1,
    status: 'New',
    is_alert: true,
    time: last,
    start_time: first,
    end_time: last,
    count: a.count,
    message: `${title}: ${where.join(' -> ')} (${a.count} event${a.count === 1 ? '' : 's'})`,
    metadata: {
      product: { name: 'dicomwatch', vendor_name: 'dicomwatch', version: VERSION },
      version: OCSF_VERSION,
    },
    finding_info: {
      uid: findingUid(a),
      title,
      ...(rule?.description ? { desc: rule.description.trim() } : {}),
      types: [a.rule],
      first_seen_time: first,
      last_seen_time: last,
      analytic: { name: a.rule, ...(rule?.id ? { uid: rule.id } : {}), type_id: 1, type: 'Rule' },
    },
    ...(Object.keys(evidence).length > 0 ? { evidences: [evidence] } : {}),
    ...(observables.length > 0 ? { observables } : {}),
    unmapped: {
      dicomwatch: {
        bucket: a.time,
        dstPorts: a.dstPorts,
        actions: a.actions,
        devices: a.devices,
        ...(a.value !== undefined ? { value: a.value, aggregate: a.aggregate } : {}),
      },
    },
  };
}

/** One JSON line per alert. */
export function* alertOcsfLines(alerts: AlertList, plans?: readonly QueryPlan[]): Generator<string> {
  for (const a of alerts) yield JSON.stringify(ocsfFinding(a, plans));
}
