/**
 * Sigma ATT&CK tags → Sentinel tactics and techniques.
 *
 * Sigma tags a rule `attack.<tactic>` (the tactic's ATT&CK short name, `attack.initial-access`; older rules write
 * `_`) and `attack.t<number>[.<sub>]` (Sigma's tags appendix). Sentinel wants the tactic names of its AttackTactic
 * enum (`InitialAccess`, as in the Azure-Sentinel repository's detection validation models and the
 * Microsoft.SecurityInsights API) and technique ids (`T1190`). Other tags (`cve.*`, `detection.*`, an unknown
 * tactic) are not ATT&CK and are left out.
 */

/** ATT&CK tactic short name → Sentinel AttackTactic (enterprise and ICS tactics Sentinel knows). */
const TACTICS: Readonly<Record<string, string>> = {
  reconnaissance: 'Reconnaissance',
  'resource-development': 'ResourceDevelopment',
  'initial-access': 'InitialAccess',
  execution: 'Execution',
  persistence: 'Persistence',
  'privilege-escalation': 'PrivilegeEscalation',
  'defense-evasion': 'DefenseEvasion',
  'credential-access': 'CredentialAccess',
  discovery: 'Discovery',
  'lateral-movement': 'LateralMovement',
  collection: 'Collection',
  'command-and-control': 'CommandAndControl',
  exfiltration: 'Exfiltration',
  impact: 'Impact',
  'impair-process-control': 'ImpairProcessControl',
  'inhibit-response-function': 'InhibitResponseFunction',
};

export interface AttackMapping {
  /** Sentinel tactic names, in tag order, de-duplicated. */
  tactics: string[];
  /** Technique ids as tagged (`T1190`, `T1059.001`), upper-case, in tag order, de-duplicated. */
  techniques: string[];
}

export function attackFromTags(tags: readonly string[] | undefined): AttackMapping {
  const tactics: string[] = [];
  const techniques: string[] = [];
  for (const raw of tags ?? []) {
    if (typeof raw !== 'string') continue;
    const tag = raw.trim().toLowerCase();
    if (!tag.startsWith('attack.')) continue;
    const rest = tag.slice('attack.'.length).replace(/_/g, '-');
    const technique = /^t([0-9]{4})(?:\.([0-9]{3}))?$/.exec(rest);
    if (technique) {
      const id = `T${technique[1]}${technique[2] ? `.${technique[2]}` : ''}`;
      if (!techniques.includes(id)) techniques.push(id);
    } else if (Object.hasOwn(TACTICS, rest) && !tactics.includes(TACTICS[rest]!)) {
      tactics.push(TACTICS[rest]!);
    }
  }
  return { tactics, techniques };
}

/** The parent techniques (`T1059.001` → `T1059`), de-duplicated: what the ARM API's `techniques` holds. */
export function parentTechniques(techniques: readonly string[]): string[] {
  return [...new Set(techniques.map((t) => t.split('.')[0]!))];
}
