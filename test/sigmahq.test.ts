// Real SigmaHQ network rules (test/data/sigmahq/, DRL 1.1, ids in its README): the ones that use only constructs
// the engine evaluates load and run; the others are refused with the rule, the field or construct, and the line.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileRules, compileRulesReport } from '../src/rules/compile.js';
import { evaluate } from '../src/rules/engine.js';
import type { NetworkPolicy } from '../src/rules/plan.js';
import { parseSigmaText } from '../src/rules/sigma.js';

const STRICT: NetworkPolicy = { semantics: 'strict', internal: [] };
const DIR = new URL('./data/sigmahq/', import.meta.url);
const rules = (file: string) => parseSigmaText(readFileSync(new URL(file, DIR), 'utf8'), `sigmahq/${file}`);
const base = { time: Date.parse('2026-03-16T10:00:00Z'), srcPort: 50000, dstPort: 443, protocol: 'tcp', format: 't', file: 't', line: 1 };

describe('SigmaHQ rules the engine runs', () => {
  it('881834a4 Equation Group C2 (firewall, `1 of select*` over dst_ip / src_ip lists): one alert per matching event', () => {
    const plans = compileRules(rules('net_firewall_apt_equationgroup_c2.yml'), STRICT);
    expect(plans.map((p) => [p.rule.name, p.aggregate.kind, p.rule.level])).toEqual([['881834a4-6659-4773-821e-1c151789d873', 'event', 'high']]);
    const alerts = evaluate(plans, [
      { ...base, srcIp: '10.0.0.5', dstIp: '69.42.98.86' },
      { ...base, srcIp: '89.185.234.145', dstIp: '10.0.0.5' },
      { ...base, srcIp: '10.0.0.5', dstIp: '69.42.98.87' },
    ]);
    expect(alerts.map((a) => `${a.srcIp} ${a.dstIp} ${a.count}`)).toEqual(['10.0.0.5 69.42.98.86 1', '89.185.234.145 10.0.0.5 1']);
  });
});

describe('SigmaHQ rules the engine refuses, each with a precise located message', () => {
  it.each([
    ['net_firewall_cleartext_protocols.yml', 'sigmahq/net_firewall_cleartext_protocols.yml:85:9', "unknown field 'blocked'"],
    ['net_firewall_cleartext_protocols.yml', 'sigmahq/net_firewall_cleartext_protocols.yml:81:15', "field 'action': 'forward' is not an action"],
    ['net_firewall_high_dns_requests_rate.yml', 'sigmahq/net_firewall_high_dns_requests_rate.yml:18:16', "'timeframe' in a detection is Sigma 1 syntax"],
    ['net_firewall_high_dns_requests_rate.yml', 'sigmahq/net_firewall_high_dns_requests_rate.yml:19:16', "aggregations ('| count() …') are Sigma 1 syntax"],
    ['net_firewall_ddos_syn_flood.yml', 'sigmahq/net_firewall_ddos_syn_flood.yml:20:9', "unknown field 'tcp_flags' (the event model keeps no TCP flags)"],
    ['net_connection_lnx_susp_malware_callback_port.yml', 'sigmahq/net_connection_lnx_susp_malware_callback_port.yml:26:9', "unknown field 'Initiated'"],
    ['net_connection_lnx_susp_malware_callback_port.yml', 'sigmahq/net_connection_lnx_susp_malware_callback_port.yml:22:5', 'logsource {category: network_connection, product: linux} is not supported'],
    ['zeek_rdp_public_listener.yml', 'sigmahq/zeek_rdp_public_listener.yml:13:5', 'logsource {product: zeek, service: rdp} is not supported'],
    ['proxy_webdav_external_execution.yml', 'sigmahq/proxy_webdav_external_execution.yml:22:5', 'logsource {category: proxy} is not supported'],
  ])('%s: %s %s', (file, at, message) => {
    const { plans, errors } = compileRulesReport(rules(file), STRICT);
    expect(plans).toEqual([]);
    const hit = errors.find((e) => e.message.startsWith(`${at}: `) && e.message.includes(message));
    expect(hit, errors.map((e) => e.message).join('\n')).toBeDefined();
  });

  it('the zeek rule would compile with a conn logsource: its cidr list (IPv6 included) and `not selection` are supported', () => {
    const text = readFileSync(new URL('zeek_rdp_public_listener.yml', DIR), 'utf8').replace('service: rdp', 'service: conn');
    const [plan] = compileRules(parseSigmaText(text, 'zeek-conn.yml'), STRICT);
    const fires = (srcIp: string) => evaluate([plan!], [{ ...base, srcIp, dstIp: '10.0.0.9' }]).length;
    expect([fires('203.0.113.9'), fires('10.1.1.1'), fires('fd00::1'), fires('2620:83:8000::9'), fires('2001:db8::1')]).toEqual([1, 0, 0, 0, 1]);
  });
});
