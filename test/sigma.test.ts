/**
 * Sigma in and out: the shipped rules and everything `renderSigma` / `dicomwatch sigma` emits must be valid against
 * the Sigma specification's JSON schemas plus the spec rules those schemas leave out (test/helpers/sigma-validate.ts),
 * carry the options' values, and load back into the same query plans.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { renderSigma } from '../src/emit/sigma.js';
import { createClassifier } from '../src/net/classify.js';
import { compileRules } from '../src/rules/compile.js';
import { compilePredicate } from '../src/rules/engine.js';
import { applyRuleOptions, expandPlaceholders, internalNetworks, type RuleOptions } from '../src/rules/options.js';
import type { NetworkEvent } from '../src/model/event.js';
import type { NetworkPolicy, Predicate, QueryPlan } from '../src/rules/plan.js';
import { loadSigmaRules, parseSigmaText, type SigmaRule } from '../src/rules/sigma.js';
import { SCHEMA_DIR, SCHEMA_FILES, sigmaErrors, validateSigmaText } from './helpers/sigma-validate.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RULES_DIR = join(ROOT, 'rules');
const SHIPPED = join(RULES_DIR, 'dicom-external-access.yml');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const SPEC_EXAMPLES = join(ROOT, 'test', 'data', 'sigma-examples');

/** `strict` mode's internal ranges, written out here rather than imported, so a change to ranges.ts shows up. */
const STRICT_INTERNAL = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16',
  '224.0.0.0/4', '255.255.255.255/32',
  '::/128', '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8',
];
/** The IPv4-mapped and IPv4-compatible forms of the strict IPv4 ranges: strict mode judges them as IPv4. */
const STRICT_EMBEDDED = [
  '::ffff:0.0.0.0/104', '::/104', '::ffff:10.0.0.0/104', '::a00:0/104', '::ffff:100.64.0.0/106', '::6440:0/106',
  '::ffff:127.0.0.0/104', '::7f00:0/104', '::ffff:169.254.0.0/112', '::a9fe:0/112', '::ffff:172.16.0.0/108',
  '::ac10:0/108', '::ffff:192.168.0.0/112', '::c0a8:0/112', '::ffff:224.0.0.0/100', '::e000:0/100',
  '::ffff:255.255.255.255/128', '::ffff:ffff/128',
];
const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
/** kql mode: every IPv6 source is KQL's null and drops, i.e. "internal" for a `not` filter. */
const ALL_IPV6 = '::/0';

type Doc = Record<string, any>;
const docsOf = (text: string): Doc[] => parseAllDocuments(text).map((d) => {
  expect(d.errors).toEqual([]);
  return d.toJS() as Doc;
});

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ---------------------------------------------------------------------------------------------------------------
describe('vendored Sigma schemas', () => {
  const expected: Record<string, string> = {
    'sigma-detection-rule-schema.json': 'eb95ddb1bc2503145a6e84511e38990f74fe9a843067065a23d3763457fb2d95',
    'sigma-correlation-rules-schema.json': '201f72a10b8fa89ba2546b963d13d810a7855c8249acb1004cba08630c780350',
    'sigma-filters-schema.json': '20d2b118f2f08940af0fab245ac37404fa250a7022b9c5539b8a9e74839e5c00',
  };

  it.each(Object.entries(expected))('%s is the v2.1.0 file (SHA-256 %s), and its README says so', (file, sha) => {
    expect(createHash('sha256').update(readFileSync(join(SCHEMA_DIR, file))).digest('hex')).toBe(sha);
    const readme = readFileSync(join(SCHEMA_DIR, 'README.md'), 'utf8');
    expect(readme).toContain(sha);
    expect(readme).toContain('0c857d07da0e71eaaab2d667b3cce6f2c8469578');
    expect(Object.values(SCHEMA_FILES)).toContain(file);
  });

  it('are the three JSON Schema 2020-12 documents with the spec titles', () => {
    const titles = Object.values(SCHEMA_FILES).map((f) => {
      const s = JSON.parse(readFileSync(join(SCHEMA_DIR, f), 'utf8')) as { $schema: string; title: string };
      expect(s.$schema).toMatch(/^https:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/);
      return s.title;
    });
    expect(titles).toEqual([
      'Sigma rule specification V2.0.0 (2024-08-08)',
      'Sigma Meta rule specification V2.1.0 (2025-07-25)',
      'Sigma Global Filter specification V2.0.0 (2024-08-08)',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The validator must reject bad documents, or a green result below means nothing.
const GOOD = `title: Inbound DICOM
id: 11111111-2222-4333-8444-555555555555
name: base_rule
status: test
logsource:
    category: firewall
detection:
    selection:
        dst_port: 104
    filter:
        src_ip|cidr:
            - 10.0.0.0/8
            - fc00::/7
    filter_placeholder:
        src_ip|expand: '%internal_networks%'
    condition: selection and not 1 of filter*
level: medium
---
title: Count
id: 66666666-7777-4888-9999-000000000000
name: corr
correlation:
    type: event_count
    rules:
        - base_rule
    group-by:
        - src_ip
    timespan: 1h
    condition:
        gte: 1
level: high
`;

/** GOOD with one piece of text replaced (the replacement must happen, or the case tests nothing). */
function mutate(from: string, to: string): string {
  expect(GOOD).toContain(from);
  return GOOD.replace(from, to);
}

describe('the validator (test/helpers/sigma-validate.ts)', () => {
  it('accepts the base text: a detection and an event_count correlation', () => {
    expect(validateSigmaText(GOOD)).toEqual([
      { doc: 1, errors: [], kind: 'detection' },
      { doc: 2, errors: [], kind: 'correlation' },
    ]);
  });

  // Each case: one defect, and exactly the errors it should cause (nothing else breaks).
  it.each([
    ['a missing condition (schema)', mutate('    condition: selection and not 1 of filter*\n', ''),
      ["doc 1: [schema:detection] /detection: missing required property 'condition'"]],
    ['a /33 IPv4 prefix', mutate('- 10.0.0.0/8', '- 10.0.0.0/33'),
      ["doc 1: [spec] search 'filter': 'src_ip|cidr': '10.0.0.0/33' is not an IPv4 or IPv6 CIDR"]],
    ['a /129 IPv6 prefix', mutate('- fc00::/7', '- fc00::/129'),
      ["doc 1: [spec] search 'filter': 'src_ip|cidr': 'fc00::/129' is not an IPv4 or IPv6 CIDR"]],
    ['a CIDR without a prefix length', mutate('- 10.0.0.0/8', '- 10.0.0.0'),
      ["doc 1: [spec] search 'filter': 'src_ip|cidr': '10.0.0.0' has no prefix length (a CIDR is address/bits)"]],
    ['a CIDR with host bits set', mutate('- 10.0.0.0/8', '- 10.1.0.0/8'),
      ["doc 1: [spec] search 'filter': 'src_ip|cidr': '10.1.0.0/8' has host bits set (network is 10.0.0.0/8)"]],
    ['an unknown modifier', mutate('dst_port: 104', 'dst_port|equals: 104'),
      ["doc 1: [spec] search 'selection': unknown modifier 'equals' in 'dst_port|equals'"]],
    ['a regex flag without re', mutate('dst_port: 104', "dst_port|i: '104'"),
      ["doc 1: [spec] search 'selection': 'i' in 'dst_port|i' is a sub-modifier of 're' and must follow it"]],
    ['expand without a placeholder', mutate("'%internal_networks%'", "'internal_networks'"),
      [`doc 1: [spec] search 'filter_placeholder': 'src_ip|expand': "internal_networks" has no %placeholder%`]],
    ['a nested map as a value', mutate('dst_port: 104', 'dst_port: {a: 1}'),
      [`doc 1: [spec] search 'selection': value of 'dst_port' must be a scalar or a list of scalars, not {"a":1}`]],
    ['a condition naming a missing search', mutate('selection and not 1 of filter*', 'selection and not filters'),
      ["doc 1: [spec] condition 'selection and not filters': 'filters' is not a search identifier of this detection"]],
    ['a pattern matching no search', mutate('not 1 of filter*', 'not 1 of exclude_*'),
      ["doc 1: [spec] condition 'selection and not 1 of exclude_*': '1 of exclude_*' matches no search identifier"]],
    ['a condition syntax error', mutate('selection and not 1 of filter*', 'selection and (not 1 of filter*'),
      ["doc 1: [spec] condition 'selection and (not 1 of filter*': expected ')' in condition 'selection and (not 1 of filter*'"]],
    ['a Sigma 1 aggregation', mutate('selection and not 1 of filter*', 'selection | count() by src_ip > 5'),
      ["doc 1: [spec] condition 'selection | count() by src_ip > 5' uses a Sigma 1 aggregation ('|')"]],
    ["timespan '1 hour'", mutate('timespan: 1h', 'timespan: 1 hour'),
      ['doc 2: [spec] timespan "1 hour" is not a number followed by s, m, h or d']],
    ['a correlation referencing a missing rule', mutate('        - base_rule\n', '        - other_rule\n'),
      ['doc 2: [spec] rules: "other_rule" is neither the id nor the name of a rule in this text']],
    ['a correlation condition with a string', mutate('gte: 1', 'gte: "5"'),
      ['doc 2: [spec] correlation condition \'gte\' takes an integer, not "5"']],
    ['an unknown correlation operator', mutate('gte: 1', 'above: 1'),
      ["doc 2: [spec] unknown correlation condition operator 'above'", 'doc 2: [spec] correlation condition has no comparison']],
    ['value_count without field', mutate('type: event_count', 'type: value_count'),
      ["doc 2: [spec] a value_count condition needs 'field'"]],
    ['a duplicate id', mutate('66666666-7777-4888-9999-000000000000', '11111111-2222-4333-8444-555555555555'),
      ['doc 2: [spec] id 11111111-2222-4333-8444-555555555555 is also the id of document 1']],
  ])('rejects %s', (_name, text, errors) => {
    expect(sigmaErrors(text)).toEqual(errors);
  });

  it.each([
    ['a bad correlation type (schema)', mutate('type: event_count', 'type: event_counts'), 'doc 2: [schema:correlation] /correlation/type'],
    ['a missing group-by (schema)', mutate('    group-by:\n        - src_ip\n', ''), "doc 2: [schema:correlation] /correlation: missing required property 'group-by'"],
    ['a bad level (schema)', mutate('level: medium', 'level: urgent'), 'doc 1: [schema:detection] /level'],
    ['a bad id (schema)', mutate('id: 11111111-2222-4333-8444-555555555555', 'id: not-a-uuid'), 'doc 1: [schema:detection] /id: must match format "uuid"'],
    ['a duplicate key (YAML)', mutate('level: medium', 'level: medium\nlevel: high'), 'doc 1: [yaml] Map keys must be unique'],
    ['a document of unknown kind', `${GOOD}---\ntitle: x\naction: global\n`, "doc 3: [sigma] the document has none of 'detection', 'correlation', 'filter'"],
  ])('rejects %s', (_name, text, error) => {
    const errors = sigmaErrors(text);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((e) => e.startsWith(error)), errors.join('\n')).toBe(true);
  });

  it('rejects an empty text', () => {
    expect(sigmaErrors('')).toEqual(['doc 1: [sigma] no YAML document']);
  });

  // The specification's own test files: all valid (the validator is not just saying no).
  const exampleFiles = (function walk(dir: string): string[] {
    return readdirSync(dir).sort().flatMap((f) => {
      const full = join(dir, f);
      return statSync(full).isDirectory() ? walk(full) : /\.ya?ml$/.test(f) ? [full] : [];
    });
  })(SPEC_EXAMPLES);
  it('accepts the specification\'s own example files (13 files)', () => {
    expect(exampleFiles).toHaveLength(13);
    for (const file of exampleFiles) {
      const text = readFileSync(file, 'utf8');
      // Single-document correlations there reference rules in other files; the multi-document example does not.
      const multi = validateSigmaText(text).length > 1;
      expect(sigmaErrors(text, { crossReferences: multi }), file).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('the shipped rules', () => {
  const files = readdirSync(RULES_DIR).filter((f) => /\.ya?ml$/.test(f));

  it('are the DICOM pack', () => {
    expect(files).toEqual(['dicom-alternate-ports.yml', 'dicom-exposed-server.yml', 'dicom-external-access.yml', 'dicom-outbound.yml', 'dicom-port-scan.yml']);
  });

  it.each(files)('%s is valid Sigma (schemas + spec checks): a detection, then the correlations over it', (file) => {
    const text = readFileSync(join(RULES_DIR, file), 'utf8');
    expect(sigmaErrors(text)).toEqual([]);
    const kinds = validateSigmaText(text).map((r) => r.kind);
    expect(kinds[0]).toBe('detection');
    expect(kinds.slice(1).length).toBeGreaterThan(0);
    expect(kinds.slice(1).every((k) => k === 'correlation')).toBe(true);
  });

  it.each(files)('%s documents itself: description, references, ATT&CK tags, falsepositives, level on every document', (file) => {
    for (const doc of docsOf(readFileSync(join(RULES_DIR, file), 'utf8'))) {
      expect(typeof doc.description, doc.title).toBe('string');
      expect(doc.references?.length, doc.title).toBeGreaterThan(0);
      expect(doc.tags.some((t: string) => /^attack\.t\d{4}/.test(t)), doc.title).toBe(true);
      expect(doc.falsepositives?.length, doc.title).toBeGreaterThan(0);
      expect(['informational', 'low', 'medium', 'high', 'critical'], doc.title).toContain(doc.level);
    }
  });

  it('use the %internal_networks% placeholder and the firewall taxonomy', () => {
    const [detection, correlation] = docsOf(readFileSync(SHIPPED, 'utf8'));
    expect(detection!.logsource).toEqual({ category: 'firewall' });
    expect(detection!.detection).toEqual({
      selection: { dst_port: 104 },
      filter_internal: { 'src_ip|expand': '%internal_networks%' },
      condition: 'selection and not filter_internal',
    });
    expect(correlation!.correlation).toEqual({
      type: 'event_count', rules: ['dicom_inbound_external'], 'group-by': ['src_ip', 'dst_ip'], timespan: '1h', condition: { gte: 1 },
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
interface Scenario {
  name: string;
  /** `dicomwatch sigma` arguments. */
  args: string[];
  /** The same, as library values. */
  options: RuleOptions;
  network: NetworkPolicy;
  keep: boolean;
  expected: {
    dstPort: number | number[];
    /** `src_ip|cidr` of filter_internal, or null when the placeholder is kept. */
    internal: string[] | null;
    allow?: string[];
    condition: string;
  };
}

const strict = (internal: string[] = []): NetworkPolicy => ({ semantics: 'strict', internal });
const SCENARIOS: Scenario[] = [
  {
    name: 'defaults (placeholder expanded to the strict ranges, IPv6 included)',
    args: [], options: {}, network: strict(), keep: false,
    expected: { dstPort: 104, internal: [...STRICT_INTERNAL, ...STRICT_EMBEDDED], condition: 'selection and not filter_internal' },
  },
  {
    name: '--keep-placeholders',
    args: ['--keep-placeholders'], options: {}, network: strict(), keep: true,
    expected: { dstPort: 104, internal: null, condition: 'selection and not filter_internal' },
  },
  {
    name: '--semantics kql',
    args: ['--semantics', 'kql'], options: {}, network: { semantics: 'kql', internal: [] }, keep: false,
    expected: { dstPort: 104, internal: [...RFC1918, ALL_IPV6], condition: 'selection and not filter_internal' },
  },
  {
    name: '--semantics kql --internal v4 --internal v6 (IPv6 has no place in kql mode)',
    args: ['--semantics', 'kql', '--internal', '10.200.0.0/16', '--internal', 'fd12::/16'],
    options: {}, network: { semantics: 'kql', internal: ['10.200.0.0/16', 'fd12::/16'] }, keep: false,
    expected: { dstPort: 104, internal: [...RFC1918, '10.200.0.0/16', ALL_IPV6], condition: 'selection and not filter_internal' },
  },
  {
    name: '--ports 104,11112',
    args: ['--ports', '104,11112'], options: { ports: [104, 11112] }, network: strict(), keep: false,
    expected: { dstPort: [104, 11112], internal: [...STRICT_INTERNAL, ...STRICT_EMBEDDED], condition: 'selection and not filter_internal' },
  },
  {
    name: '--allow v4 --allow v6',
    args: ['--allow', '198.51.100.0/24', '--allow', '2001:db8:beef::/48'],
    options: { allow: ['198.51.100.0/24', '2001:db8:beef::/48'] }, network: strict(), keep: false,
    expected: {
      dstPort: 104, internal: [...STRICT_INTERNAL, ...STRICT_EMBEDDED], allow: ['198.51.100.0/24', '2001:db8:beef::/48'],
      condition: 'selection and not filter_internal and not filter_allowlist',
    },
  },
  {
    name: '--internal v4 --internal v6',
    args: ['--internal', '10.200.0.0/16', '--internal', 'fd12::/16'], options: {}, network: strict(['10.200.0.0/16', 'fd12::/16']), keep: false,
    expected: { dstPort: 104, internal: [...STRICT_INTERNAL, '10.200.0.0/16', 'fd12::/16', ...STRICT_EMBEDDED, '::ffff:10.200.0.0/112', '::ac8:0/112'], condition: 'selection and not filter_internal' },
  },
  {
    name: 'everything, placeholders kept, one port',
    args: ['--keep-placeholders', '--ports', '11112', '--allow', '203.0.113.0/24', '--internal', '10.200.0.0/16'],
    options: { ports: [11112], allow: ['203.0.113.0/24'] }, network: strict(['10.200.0.0/16']), keep: true,
    expected: { dstPort: 11112, internal: null, allow: ['203.0.113.0/24'], condition: 'selection and not filter_internal and not filter_allowlist' },
  },
  {
    name: 'CIDRs written loosely on the command line come out canonical',
    args: ['--internal', 'FD12:0:0::/16', '--allow', '198.51.100.7/24,2001:DB8:BEEF:0::/48'],
    options: { allow: ['198.51.100.0/24', '2001:db8:beef::/48'] }, network: strict(['fd12::/16']), keep: false,
    expected: {
      dstPort: 104, internal: [...STRICT_INTERNAL, 'fd12::/16', ...STRICT_EMBEDDED], allow: ['198.51.100.0/24', '2001:db8:beef::/48'],
      condition: 'selection and not filter_internal and not filter_allowlist',
    },
  },
];

/** What `dicomwatch sigma` does, through the library. */
async function emitViaLibrary(s: Scenario): Promise<string> {
  const rules = applyRuleOptions(await loadSigmaRules(SHIPPED), s.options);
  const shown = s.keep ? rules : expandPlaceholders(rules, internalNetworks(s.network.semantics, s.network.internal));
  return renderSigma(shown);
}

/** The plan's filter with every `%internal_networks%` leaf replaced by the CIDR test it expands to. */
function expandInternal(p: Predicate, cidrs: string[]): Predicate {
  switch (p.kind) {
    case 'internal':
      return { kind: 'cidr', field: p.field, cidrs };
    case 'not':
      return { kind: 'not', item: expandInternal(p.item, cidrs) };
    case 'and':
    case 'or':
      return { kind: p.kind, items: p.items.map((i) => expandInternal(i, cidrs)) };
    default:
      return p;
  }
}

function leaves(p: Predicate): Predicate[] {
  return p.kind === 'not' ? leaves(p.item) : p.kind === 'and' || p.kind === 'or' ? p.items.flatMap(leaves) : [p];
}

const withoutFile = (plan: QueryPlan) => ({
  ...plan,
  rule: { ...plan.rule, file: '' },
  sources: plan.sources.map((src) => ({ ...src, rule: { ...src.rule, file: '' } })),
});

describe('emitted Sigma (renderSigma and dicomwatch sigma)', () => {
  let source: Doc[];
  let original: SigmaRule[];
  beforeAll(async () => {
    expect(existsSync(CLI), `${CLI} missing: run npm run build first`).toBe(true);
    source = docsOf(readFileSync(SHIPPED, 'utf8'));
    original = await loadSigmaRules(SHIPPED);
  });

  describe.each(SCENARIOS)('$name', (s) => {
    let text: string;
    let docs: Doc[];
    beforeAll(async () => {
      text = await emitViaLibrary(s);
      docs = docsOf(text);
    });

    it('is valid Sigma: one detection and one correlation document', () => {
      expect(sigmaErrors(text)).toEqual([]);
      expect(validateSigmaText(text).map((r) => r.kind)).toEqual(['detection', 'correlation']);
      expect(text.split(/^---$/m)).toHaveLength(2);
    });

    it('is exactly what the built CLI prints', () => {
      const r = runCli(['sigma', ...s.args, '--rules', 'rules/dicom-external-access.yml']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(text);
      expect(sigmaErrors(r.stdout)).toEqual([]);
    });

    it('carries the option values', () => {
      const detection = docs[0]!.detection as Doc;
      const want: Doc = { selection: { dst_port: s.expected.dstPort } };
      want.filter_internal = s.expected.internal ? { 'src_ip|cidr': s.expected.internal } : { 'src_ip|expand': '%internal_networks%' };
      if (s.expected.allow) want.filter_allowlist = { 'src_ip|cidr': s.expected.allow };
      want.condition = s.expected.condition;
      expect(detection).toEqual(want);
      // Key order as rules are written: the searches, then the condition.
      expect(Object.keys(detection)).toEqual(Object.keys(want));
      if (!s.keep) expect(text).not.toContain('expand');
      if (!s.keep) expect(text).not.toContain('%internal_networks%');
    });

    it('leaves everything else of the rules as written', () => {
      const strip = (d: Doc) => ({ ...d, detection: undefined });
      expect(strip(docs[0]!)).toEqual(strip(source[0]!));
      expect(docs[1]).toEqual(source[1]);
      expect(Object.keys(docs[0]!)).toEqual(Object.keys(source[0]!));
    });

    it('loads back into the same plans (filters equal modulo the placeholder expansion)', () => {
      const expectedPlans = compileRules(applyRuleOptions(original, s.options), s.network);
      const emittedPlans = compileRules(parseSigmaText(text, 'emitted.yml'), s.network);
      expect(emittedPlans).toHaveLength(1);
      expect(expectedPlans).toHaveLength(1);
      const [want, got] = [expectedPlans[0]!, emittedPlans[0]!];
      expect(got.rule.file).toBe('emitted.yml');
      // one source, so its filter is the plan's
      const filter = s.keep ? want.filter : expandInternal(want.filter, internalNetworks(s.network.semantics, s.network.internal));
      expect(withoutFile(got)).toEqual(withoutFile({ ...want, filter, sources: want.sources.map((src) => ({ ...src, filter })) }));
      // The expansion itself: the placeholder's one leaf became exactly the expected list.
      expect(leaves(want.filter).filter((l) => l.kind === 'internal')).toEqual([{ kind: 'internal', field: 'srcIp' }]);
      if (s.expected.internal) {
        expect(leaves(got.filter)).toContainEqual({ kind: 'cidr', field: 'srcIp', cidrs: s.expected.internal });
      }
      expect(got).toMatchObject({ groupBy: ['srcIp', 'dstIp'], binMs: 3_600_000, threshold: { op: 'gte', value: 1 } });
    });

    it('decides like the engine on ordinary addresses (expanded CIDRs == the classifier)', () => {
      const want = compileRules(applyRuleOptions(original, s.options), s.network)[0]!;
      const got = compileRules(parseSigmaText(text, 'emitted.yml'), s.network)[0]!;
      const classifier = createClassifier(s.network);
      const [wantTest, gotTest] = [compilePredicate(want.filter, classifier), compilePredicate(got.filter, classifier)];
      const sources = ['8.8.8.8', '10.1.2.3', '10.200.5.5', '100.64.1.1', '127.0.0.1', '172.31.255.255', '172.32.0.1',
        '192.168.1.1', '198.51.100.9', '203.0.113.9', '224.0.0.1', '255.255.255.255'];
      // IPv6 and IPv4-mapped sources too: the expansion must keep exactly the rows the engine keeps (in kql mode the
      // engine's null and the Sigma's `::/0` both drop them; in strict mode mapped addresses go by their IPv4 part).
      sources.push('2001:db8::1', '2001:db8:beef::9', 'fd12::1', 'fc00::1', 'fe80::1', '::1', 'ff02::1',
        '::ffff:10.0.0.1', '::ffff:10.200.0.9', '::ffff:203.0.113.9', '::ffff:100.64.0.1', '::a00:1');
      let alerts = 0;
      for (const srcIp of sources) {
        for (const dstPort of [104, 11112, 443]) {
          const e: NetworkEvent = { time: Date.parse('2026-01-01T00:00:00.000Z'), srcIp, dstIp: '10.0.0.5', dstPort, format: 't', file: 't', line: 1 };
          expect(gotTest(e) === true, `${srcIp}:${dstPort}`).toBe(wantTest(e) === true);
          if (wantTest(e) === true) alerts++;
        }
      }
      expect(alerts).toBeGreaterThan(0);
    });
  });

  it('--keep-placeholders without options writes the shipped rules back unchanged (as data)', async () => {
    expect(docsOf(renderSigma(original))).toEqual(source);
  });

  it('does not modify the loaded rules when applying options', async () => {
    const before = structuredClone(original.map((r) => r.data));
    applyRuleOptions(original, { ports: [1, 2], allow: ['203.0.113.0/24'] });
    expandPlaceholders(original, ['10.0.0.0/8']);
    expect(original.map((r) => r.data)).toEqual(before);
  });

  it('names the allowlist search apart from an existing one', () => {
    const rules = parseSigmaText(
      'title: t\nname: t\nlogsource:\n  category: firewall\ndetection:\n  sel:\n    dst_port: 104\n  filter_allowlist:\n    src_ip: 192.0.2.1\n  condition: sel and not filter_allowlist\n',
      't.yml',
    );
    const text = renderSigma(applyRuleOptions(rules, { allow: ['203.0.113.0/24'] }));
    expect(sigmaErrors(text)).toEqual([]);
    expect(parseYaml(text).detection).toEqual({
      sel: { dst_port: 104 },
      filter_allowlist: { src_ip: '192.0.2.1' },
      filter_allowlist_: { 'src_ip|cidr': ['203.0.113.0/24'] },
      condition: 'sel and not filter_allowlist and not filter_allowlist_',
    });
  });

  it('parenthesises an or-condition when the allowlist is added', () => {
    const rules = parseSigmaText(
      'title: t\nname: t\nlogsource:\n  category: firewall\ndetection:\n  a:\n    dst_port: 104\n  b:\n    dst_port: 11112\n  condition: a or b\n',
      't.yml',
    );
    const text = renderSigma(applyRuleOptions(rules, { allow: ['203.0.113.0/24'], ports: [4242] }));
    expect(sigmaErrors(text)).toEqual([]);
    const detection = parseYaml(text).detection as Doc;
    expect(detection.condition).toBe('(a or b) and not filter_allowlist');
    expect(detection.a).toEqual({ dst_port: 4242 });
    expect(detection.b).toEqual({ dst_port: 4242 });
  });

  it.each([
    ['all of them', 'all of them and not _filter_allowlist'],
    ['sel and not 1 of filter*', 'sel and not 1 of filter* and not _filter_allowlist'],
    ['1 of them', '1 of them and not _filter_allowlist'],
    ['sel', 'sel and not filter_allowlist'],
  ])("--allow keeps the search it adds out of the condition's patterns: %j", (condition, expected) => {
    const rules = parseSigmaText(
      `title: t\nname: t\nlogsource:\n  category: firewall\ndetection:\n  sel:\n    dst_port: 104\n  filter_x:\n    src_ip: 192.0.2.1\n  condition: ${condition}\n`,
      't.yml',
    );
    const text = renderSigma(applyRuleOptions(rules, { allow: ['203.0.113.0/24'] }));
    expect(sigmaErrors(text)).toEqual([]);
    expect((parseYaml(text).detection as Doc).condition).toBe(expected);
    // And the rule still alerts on a public source that is not allowlisted, never on an allowlisted one.
    const network = strict();
    const [plan] = compileRules(parseSigmaText(text, 't.yml'), network);
    const test = compilePredicate(plan!.filter, createClassifier(network));
    const event = (srcIp: string): NetworkEvent => ({ time: Date.parse('2026-01-01T00:00:00.000Z'), srcIp, dstIp: '10.0.0.5', dstPort: 104, format: 't', file: 't', line: 1 });
    const allOf = condition.startsWith('all of');
    // `all of them` also needs filter_x (src 192.0.2.1), so test that source for it.
    expect(test(event(allOf ? '192.0.2.1' : '8.8.8.8'))).toBe(true);
    expect(test(event('203.0.113.7'))).toBe(false);
  });

  it('sigma --allow on a rule whose condition does not parse: exit 2 with file:line, no crash', () => {
    const r = runCli(['sigma', '--rules', 'test/data/rules/bad-condition-syntax.yml', '--allow', '203.0.113.0/24']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("dicomwatch: test/data/rules/bad-condition-syntax.yml:11:16: rule 'bad_condition_syntax': expected ')' in condition 'selection and (not filter'\n");
    expect(r.status).toBe(2);
  });

  it('expands a placeholder written as a one-item list too (as the compiler accepts it)', () => {
    const rules = parseSigmaText(
      "title: t\nname: t\nlogsource:\n  category: firewall\ndetection:\n  sel:\n    dst_port: 104\n  f:\n    src_ip|expand:\n      - '%internal_networks%'\n  condition: sel and not f\n",
      't.yml',
    );
    const text = renderSigma(expandPlaceholders(rules, RFC1918));
    expect(sigmaErrors(text)).toEqual([]);
    expect((parseYaml(text).detection as Doc).f).toEqual({ 'src_ip|cidr': RFC1918 });
  });

  it('leaves other placeholders alone (the compiler rejects them)', () => {
    const rules = parseSigmaText(
      "title: t\nname: t\nlogsource:\n  category: firewall\ndetection:\n  sel:\n    dst_port: 104\n  f:\n    src_ip|expand: '%partners%'\n  condition: sel and not f\n",
      't.yml',
    );
    expect((parseYaml(renderSigma(expandPlaceholders(rules, RFC1918))).detection as Doc).f).toEqual({ 'src_ip|expand': '%partners%' });
  });

  it('dicomwatch sigma --out FILE writes the same text', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'dicomwatch-sigma-'));
    try {
      const out = join(dir, 'rules.yml');
      const allow = SCENARIOS.find((x) => x.args.includes('--allow') && !x.keep)!;
      const r = runCli(['sigma', ...allow.args, '--rules', 'rules/dicom-external-access.yml', '--out', out]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('');
      expect(readFileSync(out, 'utf8')).toBe(await emitViaLibrary(allow));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['sigma', '--allow', '10.0.0.0/33'], "--allow: '10.0.0.0/33' is not an IPv4 or IPv6 CIDR"],
    [['sigma', '--internal', 'fd12::/129'], "--internal: 'fd12::/129' is not an IPv4 or IPv6 CIDR"],
    [['sigma', '--ports', '104,70000'], "--ports: '70000' is not a port (1-65535)"],
    [['sigma', '--semantics', 'loose'], 'Invalid values'],
  ])('dicomwatch %j is bad usage (exit 2, no output)', (args, message) => {
    const r = runCli(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it('dicomwatch sigma --rules BAD exits 2 with file:line', () => {
    const r = runCli(['sigma', '--rules', 'test/data/rules/bad-cidr.yml']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^dicomwatch: test\/data\/rules\/bad-cidr\.yml:13:15: rule 'bad_cidr', field 'src_ip': '10\.0\.0\.0\/33' is not a CIDR\n$/);
  });
});
