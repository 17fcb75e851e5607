/**
 * Where each compiled plan came from in the rule files, for messages only: an emitter that cannot render a field
 * names the `file:line:col` where the rule uses it. Kept beside the plans rather than in them, so plans stay plain
 * data that callers compare, serialise and build by hand (a hand-built plan simply has no origin).
 */
import type { SourceLocation } from './errors.js';
import type { EventField, QueryPlan } from './plan.js';

export interface PlanOrigin {
  /** The rule document the plan is named after: the correlation, or the detection. */
  rule: SourceLocation;
  /** The first place each field is tested in the filter (in the base detections). */
  filter: Partial<Record<EventField, SourceLocation>>;
  /** Where each group-by field, or the field an aggregate reads (value_count's `field`), is named (correlations only). */
  groupBy: Partial<Record<EventField, SourceLocation>>;
}

const ORIGINS = new WeakMap<QueryPlan, PlanOrigin>();

export function setPlanOrigin(plan: QueryPlan, origin: PlanOrigin): void {
  ORIGINS.set(plan, origin);
}

export function planOrigin(plan: QueryPlan): PlanOrigin | undefined {
  return ORIGINS.get(plan);
}

/**
 * The best place to point at for a problem with `field` in `part` of the plan: where the rule uses the field there,
 * else where it uses it at all, else the rule itself; undefined for a plan without an origin.
 */
export function fieldLocation(plan: QueryPlan, field: EventField | undefined, part: 'filter' | 'group-by'): SourceLocation | undefined {
  const origin = ORIGINS.get(plan);
  if (!origin) return undefined;
  if (field === undefined) return origin.rule;
  const [first, second] = part === 'group-by' ? [origin.groupBy, origin.filter] : [origin.filter, origin.groupBy];
  return first[field] ?? second[field] ?? origin.rule;
}
