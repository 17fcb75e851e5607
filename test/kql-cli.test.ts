// `dicomwatch kql` as a user runs it: every variant through Microsoft's parser, zero diagnostics.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyzeKql } from './helpers/kusto.js';
import { ADVISORY_KQL } from './helpers/advisory.js';
import { kqlTableNames } from '../src/emit/kql/tables.js';

const ADVISORY = `${ADVISORY_KQL}\n`;

/** `dicomwatch kql` over the reference rule alone (the pack's queries are tested in test/rule-pack.test.ts). */
function kql(...args: string[]): string {
  const rules = args.includes('--rules') ? [] : ['--rules', 'rules/dicom-external-access.yml'];
  return execFileSync(process.execPath, ['dist/cli/main.js', 'kql', ...args, ...rules], { encoding: 'utf8' });
}

describe('dicomwatch kql', () => {
  it('--semantics kql prints the advisory query to the byte', () => {
    expect(kql('--semantics', 'kql')).toBe(ADVISORY);
  });

  const RESULT = ['SourceIP:string', 'DestinationIP:string', 'TimeGenerated:datetime', 'count_:long'];

  const variants: string[][] = [
    [],
    ['--semantics', 'kql'],
    ['--ports', '104,11112'],
    ['--ports', '104,11112', '--semantics', 'kql'],
    ['--internal', '198.18.0.0/15', '--internal', 'fd12:3456::/32'],
    ['--internal', '198.18.0.0/15', '--semantics', 'kql'],
    ['--allow', '198.51.100.0/24', '--allow', '2001:db8:beef::/48'],
    ['--allow', '198.51.100.0/24', '--semantics', 'kql'],
    ['--ports', '104', '--internal', '10.0.0.0/8', '--allow', '203.0.113.0/24', '--allow', '2001:db8::/32'],
    ['--rules', 'rules/dicom-external-access.yml', '--table', 'NetworkEvent'],
  ];
  for (const args of variants) {
    it(`passes Microsoft's parser with zero diagnostics: kql ${args.join(' ') || '(defaults)'}`, () => {
      const query = kql(...args);
      const analysis = analyzeKql(query, 'NetworkEvent');
      expect(analysis.diagnostics).toEqual([]);
      expect(analysis.resultColumns).toEqual(RESULT);
    });
  }

  // every --table choice, both semantics, with the options that change the query most
  for (const table of kqlTableNames()) {
    for (const extra of [[], ['--semantics', 'kql'], ['--ports', '104,11112', '--allow', '2001:db8:beef::/48', '--internal', '198.18.0.0/15']]) {
      it(`--table ${table} ${extra.join(' ')}: zero diagnostics against that table's schema, the contract's columns`, () => {
        const analysis = analyzeKql(kql('--table', table, ...extra), table);
        expect(analysis.diagnostics).toEqual([]);
        expect(analysis.resultColumns).toEqual(RESULT);
      });
    }
  }

  it('--help lists every table', () => {
    const help = kql('--help');
    for (const table of kqlTableNames()) expect(help).toContain(table);
  });

  it('strict mode keeps IPv6 sources: no ipv4_is_private, an IPv6 branch with the ULA and mapped ranges', () => {
    const query = kql();
    expect(query).not.toContain('ipv4_is_private');
    expect(query).toMatch(/ipv6_is_in_any_range\(SourceIP, InternalV6\) == false/);
    expect(query).toContain('"fc00::/7"');
    expect(query).toContain('"::ffff:a00:0/104"'); // ::ffff:10.0.0.0/104, so ::ffff:10.x is internal
  });

  it('rejects an unknown table with exit 2 and the known tables listed', () => {
    let error: { status?: number; stderr?: string } = {};
    try {
      kql('--table', 'NetworkEvents');
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.status).toBe(2);
    expect(String(error.stderr)).toContain('NetworkEvent');
  });
});
