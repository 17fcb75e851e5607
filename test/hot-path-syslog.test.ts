/**
 * Issue 15: the syslog family's hot path. A line whose header bytes repeat the last framed header's (digits in the
 * stamp aside) has its message located on bytes (messageStartOnBytes), and the vendor format that matched last may
 * call it FILTERED on bytes (MessageFormat.filteredOnBytes). Both are held to the text path: the same message, the
 * same outcome — over hand-picked lines and generated files that mix headers, vendors, cut lines and odd bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRecordParser } from '../src/parsers/record-parser.js';
import { messageStartOnBytes, syslogFamily } from '../src/parsers/syslog/family.js';
import { parseSyslogLine, type HeaderShape } from '../src/parsers/syslog/framing.js';
import { NOT_MINE, type MessageContext } from '../src/parsers/syslog/message.js';
import { MESSAGE_FORMATS } from '../src/parsers/syslog/registry.js';
import { ByteScanner } from '../src/parsers/kernel/kernel.js';
import { recordPrefilter } from '../src/parsers/prefilter.js';
import { isRejection, type RecordOutcome } from '../src/parsers/types.js';

const DST_PORTS = new Set([104]);
const TIME = { tz: 'UTC', year: 2026 };

/** Runs expanded back into one outcome per record. */
function expand(out: RecordOutcome[]): RecordOutcome[] {
  return out.flatMap((o): RecordOutcome[] => (o.kind === 'skip'
    ? Array.from({ length: o.records ?? 1 }, (_, i) => ({ kind: 'skip' as const, line: o.line + i, code: o.code, message: o.message }))
    : [o]));
}

function run(bytes: Buffer, options: { bytePath: boolean; filteredRuns: boolean; chunk: number; year?: number }) {
  const parser = createRecordParser({
    file: 'in.log', format: 'syslog', tz: 'UTC', ...(options.year ? { year: options.year } : { now: Date.UTC(2026, 5, 1) }),
    prefilter: { dstPorts: DST_PORTS }, filteredRuns: options.filteredRuns, bytePath: options.bytePath,
  });
  const out: RecordOutcome[] = [];
  for (let i = 0; i < bytes.length; i += options.chunk) out.push(...parser.push(bytes.subarray(i, i + options.chunk)));
  out.push(...parser.end());
  return { out: expand(out), info: parser.info };
}

const PANOS = '1,2026/03/28 01:00:00,013201004321,TRAFFIC,end,2561,2026/03/28 01:00:00,203.0.113.29,10.1.0.16,0.0.0.0,0.0.0.0,inbound-pacs,,,dicom,vsys1,untrust,dmz,ethernet1/1,ethernet1/3,fwd-siem,2026/03/28 01:00:00,88231,1,10945,443,0,0,0x400053,tcp,deny,52240,1840,50400,64,2026/03/28 01:00:00,29,any,,7100000000000001,0x0,United States,10.0.0.0-10.255.255.255,,30,34,tcp-fin,0,0,0,0,,pa-edge-01,from-policy,,,0,,0,,N/A,0,0,0,0,b9d4a1c2-3e5f-4a6b-8c7d-0e1f2a3b4c5d,0,0,,,,,,,,2026-03-28T00:00:00.358+00:00,,,health-care,no,0';
const IPTABLES = 'FW-DROP IN=eth0 OUT=eth1 MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.29 DST=10.1.0.16 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=10945 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0';
/** An ICMP error quoting the packet it answers in [...] (the kernel's dump_ipv4_packet): only the outer packet is read. */
const IPTABLES_ICMP = 'FW-REJECT IN= OUT=eth0 SRC=10.1.0.16 DST=203.0.113.29 LEN=88 TOS=0x00 PREC=0xC0 TTL=64 ID=4242 PROTO=ICMP TYPE=3 CODE=3 [SRC=203.0.113.29 DST=10.1.0.16 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=10945 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0 ]';
const IPTABLES_ICMP6 = 'FW-REJECT IN= OUT=eth0 SRC=2001:db8:100::10 DST=2001:db8:dead:beef::7 LEN=128 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=1 CODE=4 [SRC=2001:db8:dead:beef::7 DST=2001:db8:100::10 LEN=80 TC=0 HOPLIMIT=55 FLOWLBL=0 PROTO=TCP SPT=55001 DPT=443 WINDOW=64800 RES=0x00 SYN URGP=0 ]';

const CEF = 'CEF:0|Fortinet|Fortigate|v7.2.4|00013|traffic:forward deny|4|deviceExternalId=FG100FTK20000123 cat=traffic:forward FTNTFGTeventtime=1774656000358000000 src=203.0.113.29 spt=10945 dst=10.1.0.16 dpt=443 proto=6 act=deny app=tcp/443 FTNTFGTsrccountry=United States out=0 in=0';

const FGT = 'date=2026-03-28 time=01:00:00 devname="FGT-KH-EDGE01" devid="FG100FTK21001234" eventtime=1774656000358000000 tz="+0100" logid="0000000013" type="traffic" subtype="forward" level="warning" vd="root" srcip=203.0.113.29 srcport=10945 srcintf="wan1" srcintfrole="wan" dstip=10.1.0.16 dstport=443 dstintf="pacs" dstintfrole="lan" sessionid=8812331 proto=6 action="deny" policyid=0 policytype="policy" service="HTTPS" trandisp="noop" duration=0 sentbyte=0 rcvdbyte=0 sentpkt=0 rcvdpkt=0 appcat="unscanned"';
const FGT_UTM = 'date=2026-03-28 time=01:00:00 devname="FGT-KH-EDGE01" logid="0419016384" type="utm" subtype="ips" eventtype="signature" level="alert" vd="root" srcip=192.0.2.44 srcport=47120 srcintf="wan1" dstip=10.20.1.15 dstport=443 dstintf="pacs" sessionid=8812540 action="dropped" proto=6 service="DICOM" attack="DICOM.Malformed" ref="http://www.fortinet.com/ids/VID51234?a=b" msg="applications3: DICOM.Malformed"';
const FGT_VPN = 'date=2026-03-28 time=01:00:00 devname="FGT-KH-EDGE01" logid="0101037127" type="event" subtype="vpn" level="notice" vd="root" logdesc="Progress IPsec phase 1" action="negotiate" remip=198.51.100.200 locip=203.0.113.2 remport=500 locport=500 outintf="wan1" user="N/A" status="success" init="remote" role="responder" result="OK"';
const FGT_EVENT = 'date=2026-03-28 time=01:00:00 devname="FGT-KH-EDGE01" logid="0100032001" type="event" subtype="system" level="information" vd="root" logdesc="Admin login successful" srcip=10.20.9.4 dstip=10.20.9.1 dstport=443 action="login" status="success" msg="Administrator admin logged in"';
const FGT_MESSAGES = [
  FGT, FGT.replace('dstport=443', 'dstport=104'), FGT.replace('dstport=443', 'dstport=00104'), FGT.replace('dstport=443', 'dstport=1104'),
  FGT.replace('dstport=443', 'dstport=70000'), FGT.replace('dstport=443', 'dstport=000443'), FGT.replace('dstport=443', 'dstport='), FGT.replace('dstport=443', 'dstport=x'),
  FGT.replace('dstport=443', 'dstport="443"'), FGT.replace('dstport=443', 'dstport="104"'), FGT.replace('dstport=443', 'dstport=" 443"'),
  FGT.replace('dstport=443', 'dstport=0'), FGT.replace('dstport=443', 'dstport=443 dstport=104'), FGT.replace('dstport=443', 'dstport=104 dstport=443'),
  FGT.replace('dstport=443', 'dstport=N/A dst_port=443'), FGT.replace('dstport=443', 'dstport=- dst_port=104'), FGT.replace('dstport=443', 'dst_port=104 dstport=443'),
  FGT.replace('dstport=443', 'dst_port=443'), FGT.replace('dstport=443', 'dst_port=104'), FGT.replace(' dstport=443', ''),
  FGT.replace('dstport=443', 'DSTPORT=443'), FGT.replace(' dstport=443', '  dstport=443'), FGT.replace(' dstport=443', '\tdstport=443'),
  FGT.replace('logid="0000000013" ', ''), FGT.replace('logid=', 'xlogid='), FGT.replace('logid=', 'logid ='), FGT.replace('logid="0000000013" ', '').replace('appcat="unscanned"', 'msg="a logid=1"'),
  `logid="0000000013" ${FGT.replace('logid="0000000013" ', '')}`, FGT.replace('vd="root" srcip', 'vd="root"srcip'), FGT.replace('tz="+0100" logid', 'tz="+0100"logid'),
  FGT.replace('type="traffic"', 'type="TRAFFIC"'), FGT.replace('type="traffic"', 'type=traffic'), FGT.replace('type="traffic"', 'type="traffic "'),
  FGT.replace('type="traffic"', 'type="utm"'), FGT.replace('type="traffic"', 'type="event"'), FGT.replace('type="traffic"', 'type='),
  FGT.replace('type="traffic"', 'type="N/A"'), FGT.replace('type="traffic" ', ''), FGT.replace('type="traffic"', 'type="traffic" type="utm"'),
  FGT.replace('type="traffic"', 'type="dns"').replace('dstport=443', 'dstport=443 dst_port=104'), FGT.replace('dstport=443', 'dstport=443 dst_port=104'),
  FGT.replace(' srcip=203.0.113.29', ''), FGT.replace('srcip=203.0.113.29', 'srcip=N/A'), FGT.replace('srcip=203.0.113.29', 'srcip=-'),
  FGT.replace(' dstip=10.1.0.16', ''), FGT.replace('dstip=10.1.0.16', 'dstip='), FGT.replace(' proto=6', ''), FGT.replace('proto=6', 'proto=N/A'),
  FGT.replace(' action="deny"', ''), FGT.replace('action="deny"', 'status=deny'), FGT.replace('action="deny"', 'action='), FGT.replace('action="deny"', 'action=""'),
  FGT.replace('srcip=203.0.113.29', 'srcip=999.1.1.1'), FGT.replace('srcip=203.0.113.29', 'srcip="203.0.113.29"'),
  FGT.replace('action="deny"', 'action="deny policyid=0'), FGT.replace('action="deny" policyid=0 policytype="policy"', 'action="de policyid=0 policytype="policy"'),
  FGT.replace('srcintf="wan1"', 'srcintf="wan1 dstport=104"'), FGT.replace(' dstport=443', '').replace('srcintf="wan1"', 'srcintf="wan1 dstport=443"'),
  FGT.replace('srcintf="wan1"', 'srcintf="wan1'), FGT.replace('srcip=203.0.113.29', 'srcip=203.0.113.29=x'), FGT.replace('service="HTTPS"', 'service="a=b"'),
  FGT.replace('service="HTTPS"', 'service="HT\\"TPS"'), FGT.replace('service="HTTPS"', 'service=HT\\TPS'), FGT.replace('devname="FGT-KH-EDGE01"', 'devname="FGT-é"'),
  FGT.replace('service="HTTPS"', 'service="HT"TPS"'), FGT.replace('service="HTTPS"', 'service=HT"TPS'), FGT.replace('service="HTTPS"', '=x ="y"'),
  FGT.replace(' appcat="unscanned"', ''), `${FGT} proto=6`, `${FGT} proto=17`, `${FGT} xproto=6`, `${FGT} a="b"proto=6`, `${FGT} srcip=203.0.113.29`, `${FGT} dstip=10.1.0.16`, `${FGT.replace('srcport=10945', 'srcport=10945 src_port=1')} srcport=10945`, `${FGT} srcport="10945"`, `${FGT} srcport=10945  `, `${FGT} dstport=443\t`,
  FGT.replace('srcport=10945', 'srcport="5 6"') + ' srcport=5 6', FGT.replace('srcport=10945', 'srcport="5 6"') + ' x=5 6',
  FGT.slice(0, FGT.indexOf(' dstintf=')), FGT.slice(0, FGT.indexOf(' policyid=')), FGT.slice(0, FGT.indexOf(' srcintf=')),
  FGT.slice(0, FGT.indexOf(' dstport=')), FGT.slice(0, FGT.indexOf(' proto=') + 8), FGT.slice(0, FGT.indexOf(' dstport=') + 11),
  FGT.slice(0, FGT.indexOf('"unscanned') + 4), FGT.slice(0, FGT.indexOf(' rcvdpkt') + 3), FGT.slice(0, 120), ` ${FGT}`,
  `CEF:0|Fortinet|Fortigate|7|13|x|4|${FGT}`, `  CEF:0|x ${FGT}`, `LEEF:1.0|Fortinet|${FGT}`, `xCEF: ${FGT}`,
  FGT_UTM, FGT_UTM.replace('dstport=443', 'dstport=104'), FGT_UTM.replace('dstport=443', 'dstport=443 dst_port=104'), FGT_UTM.replace('srcip=192.0.2.44', 'locip=192.0.2.44'),
  FGT_UTM.replace('srcip=192.0.2.44', 'locip=N/A'), FGT_UTM.replace(' dstip=10.20.1.15', ' remip=10.20.1.15'), FGT_UTM.replace(' dstip=10.20.1.15', ''),
  FGT_UTM.replace('dstport=443', 'remport=443 dstport=104'), FGT_UTM.replace(' proto=6', ''), FGT_UTM.replace('?a=b', '?a=b"'), `${FGT_UTM} dstport=443`, `${FGT_UTM} locip=192.0.2.44`, `${FGT_UTM} dst_port=443`, `${FGT_UTM.replace('srcport=47120', 'srcport=47120 locport=1')} locport=1`,
  FGT_VPN, FGT_VPN.replace('locport=500', 'locport=104'), FGT_VPN.replace('init="remote"', 'init="local"'), FGT_VPN.replace('role="responder"', 'role="initiator"'),
  FGT_VPN.replace('init="remote"', 'init="local"').replace('remport=500', 'remport=104'), FGT_VPN.replace('init="remote"', 'init="LOCAL"'),
  FGT_VPN.replace('subtype="vpn"', 'subtype="VPN"'), FGT_VPN.replace('subtype="vpn"', 'subtype="system"'), FGT_VPN.replace(' locip=203.0.113.2', ''),
  FGT_VPN.replace('remip=198.51.100.200', 'srcip=198.51.100.200'), FGT_VPN.replace('remip=198.51.100.200', 'srcip=198.51.100.200 dstport=500'),
  FGT_VPN.replace(' result="OK"', ''), FGT_VPN.replace('remip=', 'dstip=10.0.0.1 remip='), FGT_VPN.replace('remip=', 'srcip=10.0.0.1 remip='), `${FGT_VPN} locport=500`, `${FGT_VPN} remport=500`, FGT_VPN.replace('init="remote"', 'init=local'),
  FGT_EVENT, FGT_EVENT.replace('dstport=443', 'dstport=104'), FGT_EVENT.replace(' dstip=10.20.9.1', ''), FGT_EVENT.replace(' dstport=443', ''),
  FGT_EVENT.replace('dstport=443', 'dst_port=443'), FGT_EVENT.replace('subtype="system"', 'subtype="vpn"').replace(' srcip=10.20.9.4 dstip=10.20.9.1', ''),
  // quotes that open no value (in a key, an unquoted value, a bare word), values with spaces and `=`, keys in values
  FGT.replace('srcintf="wan1"', 'src"intf="wan1"'), FGT.replace('srcport=10945', 'srcport=10945 note=a"b'), FGT.replace('vd="root"', 'vd="root" x"y'),
  FGT.replace('vd="root"', 'vd="root" x"y z" w'), FGT.replace('vd="root"', 'vd="root" x="y z" w'), FGT.replace('vd="root"', 'vd="root" ="a b"'), FGT.replace('vd="root"', 'vd="root"=x'),
  FGT.replace('service="HTTPS"', 'service="a b=c d"'), FGT.replace('devname="FGT-KH-EDGE01"', 'devname="a=b"'), FGT.replace('devname="FGT-KH-EDGE01"', 'devname="a b" devname="c=d"'),
  FGT.replace('srcintf="wan1"', 'srcintf=wan1=dstport=104'), FGT.replace('srcintf="wan1"', 'srcintf="x" dstport=104 y="z"'), FGT.replace('srcintf="wan1"', 'srcintf="a dstport=104 b"'),
  FGT.replace('logid="0000000013"', 'logid="0000000013" msg="x logid=1"'), FGT.replace('logid="0000000013"', 'msg="x logid=1" xlogid="0000000013"'),
  FGT.replace('logid="0000000013"', 'msg="x" logid="0000000013"'), FGT.replace('logid="0000000013"', 'msg="x"logid="0000000013"'),
  FGT.replace('vd="root"', 'vd="ro\u0001ot"'), FGT.replace('vd="root"', 'vd="ro\rot"'), FGT.replace('srcip=203.0.113.29', 'srcip=203.0.113.29é'), FGT.replace('devname="FGT-KH-EDGE01"', 'devname="FGT-Ä-ü"'),
  // the line ends in a tuple key: its first value (cut), or another occurrence of the key (the first one is whole)
  `${FGT} srcip=203.0.113.29 `, `${FGT} srcip=203.0.113.2`, `${FGT} srcip="203.0.113.29"`, `${FGT.replace(' srcip=203.0.113.29', '')} srcip=é`,
  `${FGT.replace(' proto=6', '')} proto=6`, `${FGT.replace(' proto=6', '')} proto=6 x`, `${FGT.replace(' proto=6', '')} x="y"proto=6`,
];

const ASA_BUILT = '%ASA-6-302013: Built inbound TCP connection 48211 for outside:203.0.113.29/10945 (203.0.113.29/10945) to dmz:10.1.0.16/443 (198.51.100.10/443)';
const ASA_BUILT_OUT = '%ASA-6-302013: Built outbound TCP connection 48230 for outside:192.0.2.80/443 (192.0.2.80/443) to inside:10.20.5.17/60112 (198.51.100.2/38211)';
const ASA_TEARDOWN = '%ASA-6-302014: Teardown TCP connection 48211 for outside:203.0.113.29/10945 to dmz:10.1.0.16/443 duration 0:00:07 bytes 18230 TCP FINs from outside';
const ASA_DENY = '%ASA-4-106023: Deny tcp src outside:203.0.113.29/10945 dst dmz:10.1.0.16/443 by access-group "outside_access_in" [0x5063b82f, 0x0]';
const FTD_BUILT = ASA_BUILT.replace('%ASA-', '%FTD-');
const ASA_MESSAGES = [
  ASA_BUILT, ASA_BUILT.replace(/\/443/g, '/104'), ASA_BUILT.replace('dmz:10.1.0.16/443', 'dmz:10.1.0.16/104'), ASA_BUILT.replace('10.1.0.16/443', '10.1.0.16/00104'),
  ASA_BUILT.replace('10.1.0.16/443', '10.1.0.16/70000'), ASA_BUILT.replace('10.1.0.16/443', '10.1.0.16/000443'), ASA_BUILT.replace('10.1.0.16/443', '10.1.0.16/'), ASA_BUILT.replace('10.1.0.16/443', '10.1.0.16/x'),
  ASA_BUILT.replace('10.1.0.16/443', '10.1.0.16/443,'), ASA_BUILT.replace('10.1.0.16/443 ', '10.1.0.16/443('), ASA_BUILT.replace('10.1.0.16/443', '10.1.0.16/ 443'),
  ASA_BUILT.replace('10.1.0.16/443', '10.1.0.16'), ASA_BUILT.replace('dmz:10.1.0.16/443', '(dmz:10.1.0.16/443)'), ASA_BUILT.replace('dmz:10.1.0.16/443', '/443'),
  ASA_BUILT.replace('dmz:10.1.0.16/443', 'dmz(x):10.1.0.16/443'), ASA_BUILT.replace('dmz:10.1.0.16/443', 'dmz:pacs-main/443'), ASA_BUILT.replace('dmz:10.1.0.16/443', 'dmz:2001:db8::16/443'),
  ASA_BUILT.replace('outside:203.0.113.29/10945 (203.0.113.29/10945)', ''), ASA_BUILT.replace('outside:203.0.113.29/10945 (203.0.113.29/10945)', '(x)'),
  ASA_BUILT.replace(' (198.51.100.10/443)', ''), ASA_BUILT.replace('(198.51.100.10/443)', '(198.51.100.10/443'), ASA_BUILT.replace(' to ', ' To '), ASA_BUILT.replace(' to ', ' to  '),
  ASA_BUILT.replace('(203.0.113.29/10945)', '(203.0.113.29/10945)(LOCAL\\radiology-vendor)'), ASA_BUILT.replace('outside:203.0.113.29', 'outside to x:203.0.113.29'),
  ASA_BUILT.replace('inbound TCP', 'inbound UDP'), ASA_BUILT.replace('inbound TCP', 'inbound tcp'), ASA_BUILT.replace('inbound TCP', 'inbound GRE'), ASA_BUILT.replace('inbound TCP', 'inbound 6'),
  ASA_BUILT.replace('inbound TCP', 'inbound'), ASA_BUILT.replace('inbound TCP', 'TCP'), ASA_BUILT.replace('inbound TCP', 'inbound Probe TCP'), ASA_BUILT.replace('TCP connection', 'TCP state-bypass connection'),
  ASA_BUILT.replace('inbound TCP', 'inbound  TCP'), ASA_BUILT.replace('inbound TCP', 'inbound TCP outbound'), ASA_BUILT.replace('inbound TCP', 'inbound TCP ICMP'),
  ASA_BUILT.replace('inbound TCP', 'inbound TCP' + ' x'.repeat(40)), ASA_BUILT.replace('connection 48211 ', 'connection '), ASA_BUILT.replace('connection 48211 for', 'connection 48211 from'),
  ASA_BUILT.replace('connection 48211 for', 'connection x48211 for'), ASA_BUILT.replace('connection 48211 for', 'connection 48211  for'), ASA_BUILT.replace('Built ', 'Built  '),
  ASA_BUILT.replace('Built', 'built'), ASA_BUILT.replace('%ASA-6-302013', '%ASA-6-302015'), ASA_BUILT.replace('%ASA-6-302013', '%ASA-6-302014'), ASA_BUILT.replace('%ASA-6-302013', '%ASA-6-302020'),
  ASA_BUILT.replace('%ASA-6-302013', '%ASA-6-3020130'), ASA_BUILT.replace('%ASA-6-302013', '%ASA-6-02013'), ASA_BUILT.replace('%ASA-6-302013', '%ASA-session-6-302013'),
  ASA_BUILT.replace('%ASA-6-302013', '%PIX-6-302013'), ASA_BUILT.replace('%ASA-6-302013', '%FWSM-6-302013'), ASA_BUILT.replace('%ASA-6-302013', '%ASA-6-302013[42]'),
  ASA_BUILT.replace('%ASA-6-302013', '%ASAX-6-302013'), ASA_BUILT.replace('%ASA-6-302013', '%ASA-16-302013'), ASA_BUILT.replace('%ASA-6-302013', '%asa-6-302013'),
  ASA_BUILT.replace('%ASA-6-302013', '%ASA<x>-6-302013'), ASA_BUILT.replace('%ASA-6-302013:', '%ASA-6-302013'), ASA_BUILT.replace('%ASA-6-302013:', '%ASA-6-302013: message repeated 2 times: ['),
  ASA_BUILT.replace('%ASA-6-302013: ', 'x %ASA-6-302013: '), ASA_BUILT.replace('%ASA-6-302013: ', 'kernel: %ASA-6-302013: '), ASA_BUILT.replace('%ASA-6-302013: ', '%FTD-6-302013: %ASA-6-302013: '),
  ASA_BUILT.replace('%ASA-6-302013: ', '%ASA-6-106023: %ASA-6-302013: '), ASA_BUILT.replace('dmz:10.1.0.16', 'dmz:10.1.0.16é'),
  ASA_BUILT_OUT, ASA_BUILT_OUT.replace('192.0.2.80/443 (', '192.0.2.80/104 ('), ASA_BUILT_OUT.replace('inside:10.20.5.17/60112', 'inside:10.20.5.17/104'),
  ASA_BUILT_OUT.replace('for outside', 'from outside'), ASA_BUILT_OUT.replace('outbound', 'Outbound'), ASA_BUILT_OUT.replace('outbound TCP', 'outbound TCP inbound'),
  ASA_BUILT_OUT.replace('outside:192.0.2.80/443 (192.0.2.80/443)', '(x)'), ASA_BUILT_OUT.replace('inside:10.20.5.17/60112 (198.51.100.2/38211)', '/1 (2)'),
  FTD_BUILT, FTD_BUILT.replace(/\/443/g, '/104'), FTD_BUILT.replace('inbound TCP', 'inbound UDP'),
  ASA_TEARDOWN, ASA_TEARDOWN.replace('10.1.0.16/443', '10.1.0.16/104'), ASA_TEARDOWN.replace('10.1.0.16/443', '10.1.0.16/65536'), ASA_TEARDOWN.replace('%ASA-6-302014', '%ASA-6-302016').replace('TCP connection', 'UDP connection'),
  ASA_TEARDOWN.replace('TCP connection', 'ICMP connection'), ASA_TEARDOWN.replace('TCP connection', 'connection'), ASA_TEARDOWN.replace('TCP connection', 'TCP state-bypass connection'),
  ASA_TEARDOWN.replace('TCP connection', 'TCP STATE-BYPASS connection'), ASA_TEARDOWN.replace(' duration 0:00:07', ''), ASA_TEARDOWN.replace(' bytes 18230', ''), ASA_TEARDOWN.replace('bytes 18230', 'bytes x'),
  ASA_TEARDOWN.replace('bytes 18230', 'bytes  18230'), ASA_TEARDOWN.replace('dmz:10.1.0.16/443 duration', 'duration'), ASA_TEARDOWN.replace(' to dmz:10.1.0.16/443', ''),
  ASA_TEARDOWN.replace(' TCP FINs from outside', ''), ASA_TEARDOWN.replace(' 18230 TCP FINs from outside', ' 1'), ASA_TEARDOWN.replace('Teardown', 'Built'), ASA_TEARDOWN.replace('%ASA-6-302014', '%ASA-6-302013'),
  ASA_TEARDOWN.replace('outside:203.0.113.29/10945', 'outside:203.0.113.29/10945 to x:1.2.3.4/104'), ASA_TEARDOWN.replace('dmz:10.1.0.16/443', '(dmz:10.1.0.16/443)'),
  ASA_DENY, ASA_DENY.replace('10.1.0.16/443', '10.1.0.16/104'), ASA_DENY.replace('Deny tcp', 'Deny udp'), ASA_DENY.replace('Deny tcp', 'Deny icmp'), ASA_DENY.replace('Deny tcp', 'Deny ip'),
  ASA_DENY.replace('Deny tcp', 'Deny TCP'), ASA_DENY.replace('Deny tcp', 'Deny inbound tcp'), ASA_DENY.replace('Deny tcp', 'Deny  tcp'), ASA_DENY.replace(' dst dmz:10.1.0.16/443', ''),
  ASA_DENY.replace(' by access-group', ''), ASA_DENY.replace('dmz:10.1.0.16/443 by', 'by'), ASA_DENY.replace('dst dmz', 'dst  dmz'), ASA_DENY.replace('src outside:203.0.113.29/10945', 'src dst x/104'),
  ASA_DENY.replace('Deny tcp src', 'Deny tcp src x dst y/104 src'), ASA_DENY.replace('%ASA-4-106023: Deny', '%ASA-4-106023: message repeated 3 times: [ Deny') + ']',
  ASA_DENY.replace('%ASA-4-106023', '%ASA-4-106010'), ASA_DENY.replace('Deny', 'Denied'), ASA_DENY.replace('src outside:203.0.113.29/10945', 'src /10945'),
  ASA_DENY.replace('dmz:10.1.0.16/443', '/443'), ASA_DENY.replace('dmz:10.1.0.16/443', '\u00a0/443'), ASA_DENY.replace('dst dmz', 'dst\tdmz'),
  ASA_BUILT.replace('%ASA-6-302013', '%ASA-6-0302013'), ASA_BUILT.replace('%ASA-6-302013', '%ASA-x-302013'), ASA_BUILT.replace('%ASA', '#ASA'), ASA_BUILT.replace('%ASA', '%%ASA'),
  ASA_BUILT.replace('to dmz:10.1.0.16/443', 'to \u00a0/443'), ASA_BUILT.replace('for outside:', 'for \u00a0/1 outside:'), ASA_BUILT.replace('10.1.0.16/443 ', '10.1.0.16/443\tx '),
  ASA_BUILT.replace('inbound TCP', `${'inbound '.repeat(12)}TCP`), ASA_BUILT.replace('inbound TCP', `${'inbound '.repeat(9)}TCP`), ASA_BUILT_OUT.replace('outbound', 'outbound outbound'),
  ASA_TEARDOWN.replace('TCP connection', `${'state-bypass '.repeat(6)}TCP connection`), ASA_TEARDOWN.replace('TCP connection', `${'state-bypass '.repeat(5)}TCP connection`),
  ASA_TEARDOWN.replace(' duration', ' bytes 7 duration').replace('bytes 18230', 'bytes x'), ASA_TEARDOWN.replace('dmz:10.1.0.16/443', '/443'),
  ASA_TEARDOWN.replace('outside:203.0.113.29/10945', '(x)'),
];

const SRX_TUPLE = '203.0.113.29/10945->10.1.0.16/443';
const SRX_CREATE = `RT_FLOW: RT_FLOW_SESSION_CREATE: session created ${SRX_TUPLE} 0x0 junos-https 203.0.113.29/10945->10.30.0.5/443 0x0 N/A N/A destination rule pacs-dnat 6 untrust-to-pacs untrust trust 20117 N/A(N/A) ge-0/0/0.0 UNKNOWN UNKNOWN UNKNOWN N/A N/A -1 N/A`;
const SRX_CLOSE = `RT_FLOW: RT_FLOW_SESSION_CLOSE: session closed TCP RST: ${SRX_TUPLE} 0x0 junos-https 203.0.113.29/10945->10.30.0.5/443 0x0 N/A N/A destination rule pacs-dnat 6 untrust-to-pacs untrust trust 20117 9(1220) 7(3390) 28 UNKNOWN UNKNOWN N/A(N/A) ge-0/0/0.0 No`;
const SRX_DENY = `RT_FLOW: RT_FLOW_SESSION_DENY: session denied ${SRX_TUPLE} 0x0 junos-https 6(0) deny-all untrust trust UNKNOWN UNKNOWN N/A(N/A) ge-0/0/0.0 No Denied by policy`;
const SRX_BARE = SRX_CREATE.replace('RT_FLOW: ', '');
const SRX_MESSAGES = [
  SRX_CREATE, SRX_CLOSE, SRX_DENY, SRX_BARE, SRX_CREATE.replace('10.1.0.16/443', '10.1.0.16/104'), SRX_CREATE.replace('10.1.0.16/443', '10.1.0.16/00104'),
  SRX_CREATE.replace('10.1.0.16/443', '10.1.0.16/70000'), SRX_CREATE.replace('10.1.0.16/443', '10.1.0.16/000443'), SRX_CREATE.replace('10.1.0.16/443', '10.1.0.16/'), SRX_CREATE.replace('10.1.0.16/443', '10.1.0.16/x'),
  SRX_CREATE.replace('10.1.0.16/443', '10.1.0.16/443\t'), SRX_CREATE.replace('10.1.0.16/443', '10.1.0.16/443,'), SRX_CREATE.replace('10.1.0.16/443', '10.1.0.16/1/443'),
  SRX_CREATE.replace('10.1.0.16/443', '10.1.0.16/104/443'), SRX_CREATE.replace('10.1.0.16/443', '/443'), SRX_CREATE.replace('203.0.113.29/10945->', '/10945->'),
  SRX_CREATE.replace('203.0.113.29/10945->10.1.0.16/443', '203.0.113.29->10.1.0.16/104'), SRX_CREATE.replace('203.0.113.29/10945->10.1.0.16/443', '203.0.113.29/1->10.1.0.16'),
  SRX_CREATE.replace('->10.1.0.16', '-->10.1.0.16'), SRX_CREATE.replace('->10.1.0.16', '->->10.1.0.16'), SRX_CREATE.replace('->10.1.0.16', '- >10.1.0.16'),
  SRX_CREATE.replace(SRX_TUPLE, '2001:db8::29/10945->2001:db8::16/443'), SRX_CREATE.replace(SRX_TUPLE, `x ${SRX_TUPLE}`), SRX_CREATE.replace(SRX_TUPLE, `${SRX_TUPLE}  `),
  SRX_CREATE.slice(0, SRX_CREATE.indexOf(SRX_TUPLE) + SRX_TUPLE.length), `${SRX_CREATE.slice(0, SRX_CREATE.indexOf(SRX_TUPLE) + SRX_TUPLE.length)}  `,
  `${SRX_CREATE.slice(0, SRX_CREATE.indexOf(SRX_TUPLE) + SRX_TUPLE.length)} x`, `${SRX_CREATE.slice(0, SRX_CREATE.indexOf(SRX_TUPLE) + SRX_TUPLE.length)}\tx`,
  SRX_CREATE.replace('session created', `session created${' x'.repeat(60)}`), SRX_CREATE.replace('session created', `session created${' x'.repeat(61)}`),
  SRX_CREATE.replace('session created', `session created${' '.repeat(60)}`), SRX_CREATE.replace('session created', `session created${' '.repeat(61)}`),
  SRX_CREATE.replace('session created', `session created${' x'.repeat(59)}`).slice(0, SRX_CREATE.indexOf(SRX_TUPLE) + 2 * 59 + SRX_TUPLE.length) + ' y',
  SRX_CREATE.replace('RT_FLOW_SESSION_CREATE', 'RT_FLOW_SESSION_CREATE_LS'), SRX_CREATE.replace('RT_FLOW_SESSION_CREATE', 'APPTRACK_SESSION_CLOSE'),
  SRX_CREATE.replace('RT_FLOW_SESSION_CREATE', 'APPTRACK_SESSION_ROUTE_UPDATE_LS'), SRX_CREATE.replace('RT_FLOW_SESSION_CREATE', 'RT_FLOW_SESSION_FOO'),
  SRX_CREATE.replace('RT_FLOW_SESSION_CREATE', 'RT_FLOW_SESSION_CREATEX'), SRX_CREATE.replace('RT_FLOW_SESSION_CREATE', 'RT_FLOW_SESSION_CREATE_L'),
  SRX_CREATE.replace('RT_FLOW_SESSION_CREATE:', 'RT_FLOW_SESSION_CREATE'), SRX_CREATE.replace('RT_FLOW_SESSION_CREATE: ', 'RT_FLOW_SESSION_CREATE:'),
  SRX_CREATE.replace('RT_FLOW_SESSION_CREATE: ', 'RT_FLOW_SESSION_CREATE:\t'), SRX_CREATE.replace('RT_FLOW_SESSION_CREATE: ', 'RT_FLOW_SESSION_CREATE['),
  SRX_CREATE.replace('RT_FLOW_SESSION_CREATE: session created', 'RT_FLOW_SESSION_CREATE [junos@2636.1.1.1.2.129 source-address="1.2.3.4" destination-address="5.6.7.8" destination-port="443"]'),
  SRX_CREATE.replace('RT_FLOW_SESSION_CREATE: session created', 'RT_FLOW_SESSION_CREATE: [meta x="1"]'), SRX_CREATE.replace('RT_FLOW_SESSION_CREATE', `RT_FLOW_${'X'.repeat(60)}`),
  SRX_CREATE.replace('RT_FLOW: ', 'RT_FLOW[12]: '), SRX_CREATE.replace('RT_FLOW: ', 'RT_FLOWX: '), SRX_CREATE.replace('RT_FLOW: ', 'rt_flow: '), SRX_CREATE.replace('RT_FLOW: ', 'RT_FLOW:  '),
  SRX_CREATE.replace('RT_FLOW: ', 'RT_FLOW_SESSION_DENY: '), SRX_CREATE.replace('RT_FLOW: ', 'RT_FLOW_IDP_ATTACK: '), SRX_CREATE.replace('RT_FLOW: ', 'x RT_FLOW: '),
  SRX_BARE.replace('RT_FLOW_SESSION_CREATE', 'RT_FLOW_SESSION_DENY_LS'), SRX_BARE.replace('RT_FLOW_SESSION_CREATE', 'RT_FLOW_IDP'), SRX_BARE.replace('RT_FLOW_SESSION_CREATE', 'RT_FLOW_SESSION_CREATE[7]'),
  SRX_BARE.replace('session created', '[junos@2636 a="1"] session created'), SRX_BARE.replace('session created', ' session created'),
  SRX_CLOSE.replace('10.1.0.16/443', '10.1.0.16/104'), SRX_DENY.replace('10.1.0.16/443', '10.1.0.16/104'), SRX_DENY.replace('deny-all', 'déni'),
  ...['\t', '\u00a0', ' \u00a0'].map((blank) => SRX_CREATE.replace('RT_FLOW_SESSION_CREATE: ', `RT_FLOW_SESSION_CREATE:${blank}[junos@2636.1.1.1.2.129 source-address="1.2.3.4" destination-address="5.6.7.8" destination-port="104"] `)),
];

const FL_TCP = '78,,,02f4bab031b57d1e30553ce08e0ec131,vtnet0,match,block,in,4,0x0,,242,54321,0,none,6,tcp,44,203.0.113.29,10.1.0.16,10945,443,0,S,1395836421,,1025,,mss';
const FL_UDP6 = '112,,,1718200020,igb1,match,pass,out,6,0x00,0x7e1a3,57,udp,17,40,2001:db8::29,2001:db8::16,40213,443,53';
const FL_MESSAGES = [
  `filterlog[51932]: ${FL_TCP}`, `filterlog: ${FL_TCP}`, FL_TCP, `filterlog[51932]: ${FL_UDP6}`, FL_UDP6,
  ...[FL_TCP, FL_UDP6].flatMap((m) => [
    m.replace(',443,', ',104,'), m.replace(',443,', ',00104,'), m.replace(',443,', ',70000,'), m.replace(',443,', ',,'), m.replace(',443,', ',x,'),
    m.replace(',443,', ', 443,'), m.replace(',443,', ',443 ,'), m.replace(',443,', ',443,104,'), m.slice(0, m.indexOf(',443,') + 4), m.slice(0, m.indexOf(',443,')),
    m.replace(',match,', ',unknown(9),'), m.replace(',match,', ',foo,'), m.replace(',match,', ',Block,'), m.replace(',match,', ',synproxy-drop,'),
    m.replace(/,(in|out),/, ',in/out,'), m.replace(/,(in|out),/, ',IN,'), m.replace(/,(in|out),/, ',inout,'), m.replace(/,([46]),/, ',$1$1,'), m.replace(/,([46]),/, ',5,'),
    m.replace(/,([46]),/, ',,'), m.replace(/,([46]),/, ',$1'), m.replace(',,,', ',,,,'), m.replace(',,,', ',,'), m.replace(/^\d+/, 'x'), m.replace(/^\d+/, ''), `,${m}`,
    m.replace(/,(0x0+),/, ',truncated-ip=40,$1,'), m.replace(/,(0x0+),/, ',truncated-ip6=40,$1,'), m.replace(/,(tcp|udp),/, ',"$1",'),
    m.replace(/,(1718200020|02f4bab031b57d1e30553ce08e0ec131),/, `,${'a'.repeat(487)},`), m.replace(/,(1718200020|02f4bab031b57d1e30553ce08e0ec131),/, `,${'a'.repeat(490)},`),
    `filterlog: ${m.replace(/,(1718200020|02f4bab031b57d1e30553ce08e0ec131),/, `,${'a'.repeat(490)},`)}`, m.replace(',443,', ',000443,'),
    m.replace(/,(1718200020|02f4bab031b57d1e30553ce08e0ec131),/, ',é,'), m.replace(/,(10945|40213),/, ',errormsg=x,'), m.replace(/,(10945|40213),/, ',,'),
  ]),
  FL_TCP.replace(',6,tcp,', ',17,udp,'), FL_TCP.replace(',6,tcp,', ',1,icmp,'), FL_TCP.replace(',6,tcp,', ',06,tcp,'), FL_TCP.replace(',6,tcp,', ',tcp,6,'),
  FL_UDP6.replace(',udp,17,', ',tcp,6,'), FL_UDP6.replace(',udp,17,', ',17,udp,'), FL_UDP6.replace(',udp,17,', ',ipv6-icmp,58,'),
  FL_TCP.slice(0, FL_TCP.lastIndexOf(',')), FL_TCP.slice(0, FL_TCP.lastIndexOf(',') + 1), FL_UDP6.slice(0, FL_UDP6.lastIndexOf(',')), FL_UDP6.slice(0, FL_UDP6.lastIndexOf(',') + 1),
  FL_TCP.replace(',0,none,', ',1480,none,').slice(0, FL_TCP.indexOf(',10945')) + ',', FL_TCP.replace(',0,none,', ',x,none,').slice(0, FL_TCP.indexOf(',10945')) + ',',
  `filterlog[51932]: ${FL_TCP.replace(/^\d+/, 'x')}`, `filterlog[51932]: ${FL_TCP.slice(0, 60)}`, `filterlog[51932]: ${FL_TCP.replace(',match,', ',foo,')}`,
  `kernel: ${FL_TCP}`, `filterlog[51932]: filterlog started`,
];

/** Header and message pieces that repeat (so that lines share headers) and that probe every branch of the framing. */
const HEADERS = [
  'Mar 28 01:00:00 edge01 kernel: ', 'Mar 28 01:00:07 edge01 kernel: ', 'Mar 28 11:59:59 edge01 kernel: ', 'Mar 29 01:00:00 edge01 kernel: ',
  '<14>Mar 28 01:00:00 edge01 kernel: ', '<4>Mar  1 01:00:00 edge01 kernel: ', 'Mar 28 01:00:00 edge02 kernel: ',
  'Mar 28 01:00:00 edge01 kern.warning kernel: ', 'Mar 28 01:00:00 edge01 user.info kernel: ', 'Mar 28 01:00:00 edge01 ',
  'Mar 28 01:00:00 edge01 kernel[42]: ', 'Mar 28 2026 01:00:00 edge01 kernel: ', 'Mar 28 01:00:00 UTC edge01 kernel: ',
  'Mar 28 01:00:00 edge01: kernel: ', 'Mar 28 01:00:00 edge01 : kernel: ', 'Mar 28 01:00:00 edge01  kernel: ',
  'Mar 28 01:00:00 kernel: ', 'Dec 31 23:59:59 edge01 kernel: ', 'Jan  1 00:00:01 edge01 kernel: ',
  '2026-03-28T01:00:00Z edge01 kernel: ', '<14>1 2026-03-28T01:00:00Z edge01 kernel - - - ', '',
  'Mar 28 01:00:00 relay Mar 28 01:00:00 edge01 kernel: ', 'Mar 28 01:00:00 relay 2026-03-28T01:00:00Z edge01 kernel: ',
  'Mar 28 01:00:00 edge01 ' + 'k'.repeat(64) + ': ', 'Mar 28 01:00:00 edge01 ' + 'k'.repeat(65) + ': ',
  'Mar 28 01:00:00 edge01 Mar: ', 'Mar 28 01:00:00 edge01 1 x: ', 'Mar 28 01:00:00 edge01 é: ', 'Mar 28 01:00:00 h ',
  '<166>Mar 28 2026 01:00:00 asa-edge01 : ', '<166>Mar 28 2026 01:01:00 asa-edge01 : ', 'Mar 28 01:00:00 asa-edge01 : ', '<14>1 2026-03-28T01:00:00Z asa - %ASA-6-302013: ',
  'Mar 28 01:00:00 srx-branch02 ', '<14>Mar 28 01:00:00 srx-branch02 RT_FLOW: ', 'Mar 28 01:00:00 srx RT_FLOW_SESSION_CLOSE: ',
  'Mar 28 01:00:00 fw-pacs.example.org filterlog[51932]: ', '<134>Mar 28 01:00:00 filterlog[72237]: ', '<134>Mar 28 01:00:00 fw filterlog: ',
];
const MESSAGES = [
  IPTABLES, IPTABLES.replace('DPT=443', 'DPT=104'), IPTABLES.replace('DPT=443', 'DPT=00104'), IPTABLES.replace('DPT=443', 'DPT=1104'),
  IPTABLES.replace('DPT=443', 'DPT=70000'), IPTABLES.replace('DPT=443', 'DPT='), IPTABLES.replace('DPT=443', 'DPT=x'),
  IPTABLES.replace('DPT=443', 'DPT=443 DPT=104'), IPTABLES.replace('SPT=10945 DPT=443', 'DPT=104 SPT=10945 DPT=443'),
  IPTABLES.replace(' SRC=203.0.113.29', ''), IPTABLES.replace(' PROTO=TCP', ''), IPTABLES.replace(' DST=10.1.0.16', ' XDST=10.1.0.16'),
  IPTABLES.replace('SRC=203.0.113.29', 'SRC="203.0.113.29"'), IPTABLES.replace('LEN=60', 'LEN="6 0"'), IPTABLES.replace(' TOS', '\tTOS'),
  IPTABLES.replace('IN=eth0 OUT=', 'IN=eth 0 OUT='), IPTABLES.replace('FW-DROP', 'FW OUT=x'), IPTABLES.replace('FW-DROP ', '[1234.5] [A-D]'),
  IPTABLES.replace('SRC=203.0.113.29', 'SRC=999.1.1.1'), IPTABLES.replace('SRC=203.0.113.29', 'SRC='), IPTABLES.replace('  ', ' '),
  IPTABLES.replace(' DPT=443', '  DPT=443'), IPTABLES.replace('DPT=443', 'DPT=443é'), IPTABLES.replace('DPT=443 ', 'DPT=443'),
  IPTABLES.slice(0, 200), IPTABLES.slice(0, 170), IPTABLES.slice(0, 40), 'IN= OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=UDP DPT=53',
  IPTABLES_ICMP, IPTABLES_ICMP.replace('DPT=443', 'DPT=104'), IPTABLES_ICMP.replace('SPT=10945 DPT=443', 'SPT=104 DPT=10945'), `${IPTABLES_ICMP} MTU=1400`,
  IPTABLES_ICMP.replace('PROTO=ICMP TYPE=3 CODE=3', 'PROTO=ICMP TYPE=3 CODE=3 DPT=443'), IPTABLES_ICMP.replace('PROTO=ICMP TYPE=3 CODE=3', 'PROTO=ICMP TYPE=3 CODE=3 DPT=104'),
  IPTABLES_ICMP.replace(' SRC=10.1.0.16 DST=203.0.113.29', ''), IPTABLES_ICMP.replace(' PROTO=ICMP', ''), IPTABLES_ICMP.replace(' [SRC', ' [ SRC'),
  IPTABLES_ICMP.replace(' [SRC', '[SRC'), IPTABLES_ICMP.replace(' [SRC', '  [SRC'), IPTABLES_ICMP.replace(' [SRC', '\t[SRC'), IPTABLES_ICMP.replace('OUT=eth0 ', 'OUT=eth0 [x] '),
  IPTABLES_ICMP.replace('OUT=eth0', 'OUT=eth[0'), IPTABLES_ICMP.replace('IN= ', 'IN=eth[0 '), IPTABLES_ICMP6, IPTABLES_ICMP6.replace('DPT=443', 'DPT=104'),
  IPTABLES.replace('SPT=10945 DPT=443', 'INCOMPLETE [8 bytes] SPT=10945 DPT=443'), IPTABLES.replace('SPT=10945 DPT=443', 'INCOMPLETE [8 bytes] SPT=10945 DPT=104'),
  IPTABLES.replace('DPT=443', 'DPT=443 [SRC=1.2.3.4 DPT=104]'), IPTABLES.replace('DPT=443', 'DPT=104 [SRC=1.2.3.4 DPT=443]'), IPTABLES.replace('PROTO=TCP', '[x] PROTO=TCP'),
  'CEF:0|Fortinet|Fortigate|v7.2.4|00013|traffic:forward deny|4|src=203.0.113.29 spt=10945 dst=10.1.0.16 dpt=443 proto=6 act=deny',
  '%ASA-6-302013: Built inbound TCP connection 1 for outside:203.0.113.7/51515 (203.0.113.7/51515) to dmz:10.1.2.3/104 (10.1.2.3/104)',
  'date=2026-03-28 time=01:00:00 devname="fw" type="traffic" srcip=203.0.113.7 srcport=1 dstip=10.1.2.3 dstport=443 proto=6 action="deny"',
  'just some text', '', '1,2026/03/28 01:00:00,x',
  PANOS, PANOS.replace(',10945,443,', ',10945,104,'), PANOS.replace(',10945,443,', ',10945,00104,'), PANOS.replace(',10945,443,', ',10945, 443,'),
  PANOS.replace(',10945,443,', ',10945,,'), PANOS.replace(',10945,443,', ',10945,70000,'), PANOS.replace('TRAFFIC', 'THREAT'),
  PANOS.replace('TRAFFIC', 'SYSTEM'), PANOS.replace('TRAFFIC', ' TRAFFIC'), PANOS.replace('TRAFFIC', 'TRAFFICX'), PANOS.replace(',inbound-pacs,', ',"inbound,pacs",'),
  PANOS.replace(',inbound-pacs,', ',{a,b},'), PANOS.replace(',tcp-fin,', ',"tcp,fin",'), PANOS.replace('1,2026/03/28', 'x 1,2026/03/28'),
  PANOS.replace('1,2026/03/28 01:00:00,', '2026/03/28 01:00:00,'), PANOS.replace('1,2026/03/28 01:00:00,', '1,2026-03-28T01:00:00Z,'),
  PANOS.replace(',inbound-pacs,', ',{a,b},').replace(',10945,443,', ',10945,104,'), PANOS.replace(',inbound-pacs,', ',"a,b",').replace(',10945,443,', ',10945,104,'),
  PANOS.replace(',inbound-pacs,', ',{a,b,').replace(',10945,443,', ',10945,104,'), PANOS.slice(0, 300), PANOS.slice(0, 150), PANOS.replace('TRAFFIC,end', 'END,x'),
  CEF, CEF.replace('dpt=443', 'dpt=104'), CEF.replace('dpt=443', 'dpt=00104'), CEF.replace('dpt=443', 'DPT=443'), CEF.replace('dpt=443', 'dpt= 443 '),
  CEF.replace('dpt=443', 'dpt=443 x'), CEF.replace('dpt=443', 'dpt='), CEF.replace('dpt=443', 'dpt=443 dpt=104'), CEF.replace('dpt=443', 'destinationPort=443'),
  CEF.replace('src=203.0.113.29 ', '').replace('dst=10.1.0.16 ', ''), CEF.replace('src=203.0.113.29', 'src='), CEF.replace('src=203.0.113.29', 'src= dst='),
  CEF.replace('app=tcp/443', 'request=http://x/?a\\=b'), CEF.replace('traffic:forward deny', 'traffic\\|deny'), CEF.replace('CEF:0|', 'CEF: 0|'),
  CEF.replace('CEF:0|', 'CEF:1.2|'), CEF.replace('CEF:0|', 'CEF:x|'), CEF.replace('|4|', '|4'), CEF.replace('dpt=443', 'dpt=443\t'),
  CEF.replace('dpt=443 ', 'dpt=443 =x '), CEF.replace('dpt=443', 'x dpt=443'), `${CEF.replace('dpt=443 ', '')} dpt=1443`,
  // one end missing, empty, repeated, under its full name or in a labelled IPv6 slot
  CEF.replace('dst=10.1.0.16 ', ''), CEF.replace('src=203.0.113.29 ', ''), CEF.replace('dst=10.1.0.16', 'dst='), CEF.replace('dst=10.1.0.16', 'dst= dst=10.1.0.16'),
  CEF.replace('dst=10.1.0.16', 'destinationAddress=10.1.0.16'), CEF.replace('src=203.0.113.29', 'sourceAddress=203.0.113.29'), `${CEF} dst=10.9.9.9`,
  CEF.replace('dst=10.1.0.16', 'c6a3=2001:db8::16 c6a3Label=Destination IPv6 Address'), CEF.replace('dst=10.1.0.16 ', '').replace('dpt=443', 'dpt=104'),
  // backslashes after the last key read (they change no value read), before it, in the header, in the values read
  CEF.replace('act=deny', 'act=de\\ny request=http://x/?a\\=b'), CEF.replace('cat=traffic:forward', 'cat=traffic\\:forward'), CEF.replace('dpt=443', 'dpt=4\\43'),
  CEF.replace(' proto=6', '\\ proto=6'), CEF.replace(' dpt=443', '\\ dpt=443'), CEF.replace('src=203.0.113.29', 'src=\\n'), CEF.replace('src=203.0.113.29', 'src=\\='),
  CEF.replace('|4|', '|4\\|x|'), CEF.replace('Fortigate|', 'Forti\\gate|'), `${CEF.replace('dpt=443 ', '')} dpt=443\\`,
  // keys in values, words that are not keys, `=` in values, other cases and separators
  CEF.replace('cat=traffic:forward', 'cs1=dpt=104'), CEF.replace('cat=traffic:forward', 'msg=see dpt=104 here'), CEF.replace('cat=traffic:forward', 'msg=see dpt=104'),
  CEF.replace('cat=traffic:forward', 'msg=see src=x'), CEF.replace('dpt=443', 'dpt=443 foo bar'), CEF.replace(' dpt=443', '\tdpt=443'), CEF.replace('cat=traffic:forward', 'cat=a=b c'),
  CEF.replace('src=203.0.113.29 ', '').replace('dst=10.1.0.16 ', '').replace('dpt=443', 'dpt=104 dpt=443 src=203.0.113.29'), // the first dpt, read before an end
  CEF.replace('src=203.0.113.29', 'src=').replace('dst=10.1.0.16', 'src=10.1.0.16'), CEF.replace('dst=10.1.0.16', 'dst=').replace('src=203.0.113.29', 'dst= src='),
  CEF.replace('src=203.0.113.29', 'SRC=203.0.113.29'), CEF.replace('dst=10.1.0.16', 'Dst=10.1.0.16'), CEF.replace('dpt=443', 'dPt=443'), CEF.replace('dpt=443', 'dpt=443  '),
  CEF.replace('app=tcp/443', 'app=a|b'), CEF.replace('src=203.0.113.29', 'src=é'), CEF.replace('dpt=443', 'dpt=443é'), CEF.replace('src=203.0.113.29 ', 'src= ').replace('dst=10.1.0.16', 'dst='),
  CEF.replace('deviceExternalId=', ' deviceExternalId='), CEF.replace('deviceExternalId=', 'x.y=1 deviceExternalId='), CEF.replace('dpt=443', 'dpt=443 x.y=1'), CEF.replace('dpt=443', 'dpt=443 _x=1'),
  // the decision beyond the first scan's reach, a backslash there, and a header longer than that
  CEF.replace('cat=traffic:forward', `msg=${'word '.repeat(100)}`), CEF.replace('cat=traffic:forward', `msg=${'word '.repeat(100)}a\\=b`),
  CEF.replace('act=deny', `act=deny msg=${'word '.repeat(100)}a\\=b`), CEF.replace('traffic:forward deny', 'x'.repeat(600)),
  ...FGT_MESSAGES,
  ...ASA_MESSAGES,
  ...SRX_MESSAGES,
  ...FL_MESSAGES,
];

const line = fc.tuple(fc.constantFrom(...HEADERS), fc.constantFrom(...MESSAGES), fc.nat({ max: 300 }), fc.constantFrom('', '', '', 'cut', 'byte'))
  .map(([header, message, at, change]) => {
    const text = header + message;
    if (change === 'cut') return text.slice(0, at % (text.length + 1));
    if (change === 'byte') return `${text.slice(0, at % (text.length + 1))}${['"', '\t', ' ', '=', ':', '\u00ff', '1'][at % 7]}${text.slice(at % (text.length + 1))}`;
    return text;
  });

describe('syslog hot path: the same outcomes as the text path', () => {
  it('generated files (repeated headers, mixed vendors, cut lines, stray bytes), runs or not, any chunking, with and without --year', () => {
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 300 }), fc.boolean(), fc.boolean(), (lines, chunk, runs, year) => {
      const bytes = Buffer.from(`${lines.join('\n')}\n`);
      const text = run(bytes, { bytePath: false, filteredRuns: runs, chunk: bytes.length, ...(year ? { year: 2026 } : {}) });
      const hot = run(bytes, { bytePath: true, filteredRuns: runs, chunk, ...(year ? { year: 2026 } : {}) });
      expect(hot.out).toEqual(text.out);
      expect(hot.info).toEqual(text.info);
    }), { numRuns: 400 });
  });

  it('a year-less file over New Year with --year: the same years as the text path', () => {
    const lines = ['Dec 31 23:59:58 edge01 kernel: ', 'Dec 31 23:59:59 edge01 kernel: ', 'Jan  1 00:00:01 edge01 kernel: ', 'Jan  1 00:00:02 edge01 kernel: ']
      .flatMap((h) => [h + IPTABLES, h + IPTABLES.replace('DPT=443', 'DPT=104').replace('203.0.113.29', '198.51.100.7')]);
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    const text = run(bytes, { bytePath: false, filteredRuns: true, chunk: bytes.length, year: 2025 });
    const hot = run(bytes, { bytePath: true, filteredRuns: true, chunk: 7, year: 2025 });
    expect(hot.out).toEqual(text.out);
    const times = hot.out.flatMap((o) => (o.kind === 'events' ? o.events.map((e) => new Date(e.time).toISOString()) : []));
    expect(times).toEqual(['2025-12-31T23:59:58.000Z', '2025-12-31T23:59:59.000Z', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:02.000Z']);
  });
});

/**
 * Lines of one host with moving stamps, mostly `typical(i)` (a filtered line of one vendor), now and then one of
 * `variants`, cut or with a stray byte, another tag, a CR, the header of another host: what a kernel must hand back.
 */
function oneHostLines(count: number, seed: number, typical: (i: number) => string, variants: readonly string[], usualTag: string): Buffer {
  let text = '';
  for (let i = 0; i < count; i++) {
    const r = (i * 7919 + seed) % 1000;
    const stamp = `Mar 28 ${String(1 + ((i / 3600) | 0) % 23).padStart(2, '0')}:${String(((i / 60) | 0) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
    const host = r === 7 ? 'edge02' : 'edge01';
    const tag = r === 8 ? 'kernel[1]: ' : r === 9 ? 'kern: ' : r === 10 ? '' : usualTag;
    let message = r < 40 ? variants[(i * 31) % variants.length]! : typical(i);
    if (r === 11) message = message.slice(0, (i * 13) % message.length);
    if (r === 12) { const at = (i * 17) % message.length; message = `${message.slice(0, at)}${['"', '\t', '\r', ' ', '[', '{', ','][i % 7]}${message.slice(at)}`; }
    text += `${stamp} ${host} ${tag}${r === 13 ? `[${i}.5] ` : ''}${message}${r % 9 === 0 ? '\r' : ''}\n`;
  }
  return Buffer.from(text);
}

const panosLine = (i: number) => PANOS.replace(',10945,443,', `,10945,${1 + ((i * 31) % 65535)},`).replace('TRAFFIC', i % 50 === 0 ? 'THREAT' : 'TRAFFIC')
  .replace('1,2026/03/28 01:00:00', `1,2026/03/${String(1 + (i % 28)).padStart(2, '0')} 01:00:00`);
const cefLine = (i: number) => CEF.replace('dpt=443', `dpt=${1 + ((i * 31) % 65535)}`).replace('v7.2.4', `v7.${i % 10}.4`)
  .replace('src=203.0.113.29', i % 40 === 0 ? 'src=203.0.113.29 src=1.2.3.4' : 'src=203.0.113.29');
const CEF_VARIANTS = [
  ...MESSAGES.filter((m) => m.startsWith('CEF')),
  // values of blanks only, a first src empty and a second one not, dpt read at the end of the line
  CEF.replace('src=203.0.113.29', 'src= '), CEF.replace('src=203.0.113.29', 'src=\t'), CEF.replace('src=203.0.113.29', 'src= src=1.2.3.4'),
  CEF.replace('dst=10.1.0.16', 'dst=  dst=10.1.0.16'), `${CEF.replace(' dpt=443', '')} dpt=443`, `${CEF.replace(' dpt=443', '')} dpt= 443 `, `${CEF.replace(' dpt=443', '')} dpt=`,
];
const PANOS_VARIANTS = [
  ...MESSAGES.filter((m) => m.includes(',2026/03/28') || m.startsWith('1,')),
  // the receive time not one (the same number of fields)
  PANOS.replace('1,2026/03/28 01:00:00,', '1,2026/03/28 01:00:0x,'), PANOS.replace('1,2026/03/28 01:00:00,', '1,2026/03/28 01:00:000,'),
  PANOS.replace('1,2026/03/28 01:00:00,', '1,2026-03-28 01:00:00,'), PANOS.replace('1,2026/03/28 01:00:00,', '1,a receive time not here,'),
];
describe.each([
  ['netfilter', (i: number) => IPTABLES.replace('DPT=443', `DPT=${1 + ((i * 31) % 65535)}`), MESSAGES.filter((m) => m.includes('IN=') || m.startsWith('FW')), 'kernel: '],
  ['PAN-OS after a tag', panosLine, PANOS_VARIANTS, 'kernel: '],
  ['PAN-OS without a tag (its first word\'s date digits moving on)', panosLine, PANOS_VARIANTS, ''],
  ['CEF without a tag', cefLine, CEF_VARIANTS, ''],
  ['CEF after a tag', cefLine, CEF_VARIANTS, 'kernel: '],
] as const)('%s: lines settled many at a time (a kernel, scan\'s common line)', (_name, typical, variants, tag) => {
  it('the same outcomes and accounting as the text path, across the kernel\'s 1 MiB window, in chunks of any size', () => {
    const bytes = oneHostLines(6000, 1, typical, variants, tag);
    const text = run(bytes, { bytePath: false, filteredRuns: true, chunk: bytes.length });
    expect(text.info.skippedBy.FILTERED).toBeGreaterThan(5500);
    for (const chunk of [bytes.length, 1 << 20, (1 << 20) + 5, 65_521, 4093]) {
      const hot = run(bytes, { bytePath: true, filteredRuns: true, chunk });
      expect(hot.info, String(chunk)).toEqual(text.info);
      expect(hot.out, String(chunk)).toEqual(text.out);
    }
  });

  it('takes the common line without a call per line: the session\'s push sees only the lines it does not settle', () => {
    const bytes = oneHostLines(10_000, 3, typical, variants, tag);
    let pushes = 0;
    const parser = createRecordParser({
      file: 'in.log', format: 'syslog', tz: 'UTC', now: Date.UTC(2026, 5, 1), prefilter: { dstPorts: DST_PORTS }, filteredRuns: true,
      formats: [{ ...syslogFamily(MESSAGE_FORMATS), open(c) {
        const session = syslogFamily(MESSAGE_FORMATS).open(c);
        return { ...session, push: (buf, start, end, lineNo, out) => { pushes++; session.push(buf, start, end, lineNo, out); } };
      } }],
    });
    parser.push(bytes);
    parser.end();
    expect(parser.info.skippedBy.FILTERED).toBeGreaterThan(9000);
    expect(pushes).toBeLessThan(1500);
  });
});

/** One scanner for every call, told each time that its Buffer is new (as the record parser tells it at a push). */
const scanner = new ByteScanner();
const fresh = (s: ByteScanner) => {
  s.forget();
  return s;
};

describe('messageStartOnBytes: the message the framing finds, or "not sure"', () => {
  const shapeOf = (text: string) => {
    const shape: HeaderShape = { restAt: -1, stampFrom: 0, stampTo: 0 };
    parseSyslogLine(text, TIME, {}, shape);
    return shape;
  };

  it('locates the message of a line like the last framed one (the common case is decided on bytes)', () => {
    const first = `Mar 28 01:00:00 edge01 kernel: ${IPTABLES}`;
    const shape = shapeOf(first);
    expect(shape.restAt).toBe('Mar 28 01:00:00 edge01 '.length);
    const header = Buffer.from(first.slice(0, shape.restAt));
    const next = Buffer.from(`Mar 28 01:00:07 edge01 kernel: ${IPTABLES}`);
    expect(messageStartOnBytes(next, 0, next.length, header, shape, fresh(scanner))).toBe('Mar 28 01:00:07 edge01 kernel: '.length);
    const otherHost = Buffer.from(`Mar 28 01:00:07 edge02 kernel: ${IPTABLES}`);
    expect(messageStartOnBytes(otherHost, 0, otherHost.length, header, shape, fresh(scanner))).toBe(-1);
  });

  it('agrees with parseSyslogLine on generated pairs of lines (the same message bytes, or -1)', () => {
    fc.assert(fc.property(line, line, (previous, current) => {
      const shape = shapeOf(previous);
      fc.pre(shape.restAt !== -1);
      const header = Buffer.from(previous).subarray(0, shape.restAt);
      const bytes = Buffer.from(`xx${current}yy`); // never at offset 0, and bytes after the line that must not be read
      const at = messageStartOnBytes(bytes, 2, bytes.length - 2, header, shape, fresh(scanner));
      if (at === -1) return;
      const framed = parseSyslogLine(current, TIME);
      expect(framed.header).toBe(true);
      expect(bytes.subarray(at, bytes.length - 2).toString('utf8')).toBe(framed.message);
    }), { numRuns: 2000 });
  });
});

describe('MessageFormat.filteredOnBytes: true only where parse says FILTERED', () => {
  const ctx: MessageContext = { file: 'in.log', lineNo: 1, time: TIME, prefilter: recordPrefilter({ dstPorts: DST_PORTS }) };
  const withBytes = MESSAGE_FORMATS.filter((f) => f.filteredOnBytes);

  /**
   * The formats whose filteredOnBytes says true for the line `text`, called as family.ts calls it: on the line's own
   * bytes (the header before `start`, bytes of the next line after `end`), from where messageStartOnBytes puts the
   * message of a line framed like the last one; none when the hot path would not reach the line (`shape`: how
   * parseSyslogLine framed it).
   */
  const decidedInLine = (text: string, shape = shapeOf(text)): string[] => {
    if (shape.restAt === -1) return [];
    // the line after another (a tag-like end, which nothing may read) and before the next line's bytes
    const before = 'x %ASA-6-302013: RT_FLOW: \n';
    const bytes = Buffer.from(`${before}${text}\n<14>CEF:0|x"y`);
    const lineStart = Buffer.byteLength(before);
    const end = lineStart + Buffer.byteLength(text);
    const at = messageStartOnBytes(bytes, lineStart, end, Buffer.from(text).subarray(0, shape.restAt), shape, fresh(scanner));
    if (at === -1) return [];
    return withBytes.filter((f) => f.filteredOnBytes!(bytes, at, end, DST_PORTS, lineStart, fresh(scanner))).map((f) => f.id);
  };
  const shapeOf = (text: string): HeaderShape => {
    const shape: HeaderShape = { restAt: -1, stampFrom: 0, stampTo: 0 };
    parseSyslogLine(text, TIME, {}, shape);
    return shape;
  };
  /** The same on the message alone (`x` before it, bytes that would change it after it): what a format decides without the header. */
  const decidedInMessage = (message: string): string[] => {
    const bytes = Buffer.from(`x${message}"=y|\\`);
    return withBytes.filter((f) => f.filteredOnBytes!(bytes, 1, bytes.length - 5, DST_PORTS, 1, fresh(scanner))).map((f) => f.id);
  };
  /** Every format that decided `text` (as a line, or its message alone) on bytes must call it FILTERED; returns them. */
  const holdToParse = (text: string): string[] => {
    const shape: HeaderShape = { restAt: -1, stampFrom: 0, stampTo: 0 };
    const framed = parseSyslogLine(text, TIME, {}, shape);
    const ids = new Set([...decidedInLine(text, shape), ...decidedInMessage(framed.message)]);
    for (const id of ids) {
      const result = withBytes.find((f) => f.id === id)!.parse(framed, ctx);
      expect(result !== NOT_MINE && isRejection(result) && result.code === 'FILTERED', `${id}: ${text}`).toBe(true);
    }
    return [...ids];
  };

  it('some formats have one, and it decides their typical filtered line', () => {
    for (const [id, text] of [['iptables', IPTABLES], ['panos', PANOS], ['cef', CEF], ['fortigate', FGT], ['fortigate', FGT_UTM], ['fortigate', FGT_VPN], ['fortigate', FGT_EVENT]] as const) {
      expect(decidedInMessage(text), id).toContain(id);
      expect(decidedInLine(`Mar 28 01:00:00 edge01 ${text}`), id).toContain(id);
    }
    for (const text of [SRX_CREATE, SRX_CLOSE, SRX_DENY, SRX_BARE]) {
      expect(decidedInLine(`<14>Mar 28 01:00:00 srx-branch02 ${text}`), text).toEqual(['juniper-srx']);
    }
    for (const text of [`filterlog[51932]: ${FL_TCP}`, `filterlog: ${FL_UDP6}`]) {
      expect(decidedInLine(`<134>Mar 28 01:00:00 fw-pacs.example.org ${text}`), text).toEqual(['filterlog']);
    }
    for (const [id, text] of [['cisco-asa', ASA_BUILT], ['cisco-asa', ASA_BUILT_OUT], ['cisco-asa', ASA_TEARDOWN], ['cisco-asa', ASA_DENY], ['cisco-ftd', FTD_BUILT]] as const) {
      expect(decidedInLine(`<166>Mar 28 2026 01:00:00 asa-edge01 : ${text}`), id).toEqual([id]);
      expect(decidedInLine(`Mar 28 01:00:00 asa-edge01 ${text}`), id).toEqual([id]);
    }
  });

  it('CEF and FortiGate decide on bytes what their scanner-driven reading settles, and hand on what it does not', () => {
    const long = `msg=${'word '.repeat(100)}`;
    const decided = [
      ['cef', CEF.replace('act=deny', 'act=de\\ny request=http://x/?a\\=b')], // a backslash after the last key read
      ['cef', CEF.replace('cat=traffic:forward', long)], // dpt, src and dst beyond the first scan's reach
      ['cef', CEF.replace('cat=traffic:forward', 'cs1=dpt=104 cat=a=b c')], // `dpt=` and `=` inside values
      ['cef', CEF.replace('src=203.0.113.29', 'SRC=203.0.113.29').replace('dpt=443', 'dPt=443  ')],
      ['fortigate', FGT.replace('srcintf="wan1"', 'src"intf="wan1" note=a"b x"y')], // quotes that open no value
      ['fortigate', FGT.replace('service="HTTPS"', 'service="a b=c d"').replace('srcintf="wan1"', 'srcintf="a dstport=104 b"')],
      ['fortigate', FGT.replace('devname="FGT-KH-EDGE01"', 'devname="FGT-Ä-ü"').replace('srcip=203.0.113.29', 'srcip=203.0.113.29é')], // bytes above 127
      ['fortigate', `${FGT} srcip=203.0.113.29`], // the line ends in a second srcip: the first one is whole
      ['fortigate', FGT.replace('logid="0000000013"', 'logid="0000000013" msg="x logid=1"')],
    ] as const;
    for (const [id, text] of decided) {
      expect(holdToParse(`Mar 28 01:00:00 edge01 ${text}`), text).toContain(id);
      expect(decidedInMessage(text), text).toContain(id);
    }
    const handedOn = [
      CEF.replace('cat=traffic:forward', 'cat=traffic\\:forward'), // a backslash before the last key read
      CEF.replace('cat=traffic:forward', `${long}a\\=b`), // the same, beyond the first scan's reach
      CEF.replace('traffic:forward deny', 'x'.repeat(600)), // a header longer than the first scan
      FGT.replace('service="HTTPS"', 'service="HT\\"TPS"'), FGT.replace(' dstport=443', '\tdstport=443'), // a backslash, a tab
      FGT.replace('devname="FGT-KH-EDGE01"', 'devname="a=b"'), // a value the module reads holds `=`: MALFORMED
      `${FGT.replace(' srcip=203.0.113.29', '')} srcip=203.0.113.29`, // the line ends in the first srcip: MALFORMED
      FGT.replace('logid="0000000013" ', '').replace('appcat="unscanned"', 'msg="a logid=1"'), // no logid pair: not FortiGate's
    ];
    for (const text of handedOn) expect(holdToParse(`Mar 28 01:00:00 edge01 ${text}`), text).toEqual([]);
  });

  it('bytes that are not UTF-8 in CEF and FortiGate messages: the same outcomes on bytes as decoded', () => {
    const header = Buffer.from('Mar 28 01:00:00 edge01 ');
    const lines: Buffer[] = [];
    for (const message of [CEF, FGT, FGT_UTM]) {
      for (const bad of [[0xff], [0xc3], [0xe2, 0x82], [0xc3, 0x28], [0xed, 0xa0, 0x80]]) {
        // the bytes inside each value in turn, and a key repeated at the end with other bad bytes
        for (let at = message.indexOf('='); at !== -1; at = message.indexOf('=', at + 1)) {
          const text = Buffer.from(message);
          lines.push(Buffer.concat([header, text.subarray(0, at + 2), Buffer.from(bad), text.subarray(at + 2)]));
        }
        const key = message === CEF ? ' src=' : ' srcip=';
        const value = message.slice(message.indexOf(key) + key.length).split(' ')[0]!;
        const first = Buffer.from(message).indexOf(`${key}${value}`) + key.length + value.length;
        lines.push(Buffer.concat([header, Buffer.from(message).subarray(0, first), Buffer.from([0xff]), Buffer.from(message).subarray(first), Buffer.from(`${key}${value}`), Buffer.from([0xfe])]));
        lines.push(Buffer.concat([header, Buffer.from(message.replace(`${key}${value}`, '')), Buffer.from(`${key}${value}`), Buffer.from(bad)]));
      }
    }
    const bytes = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
    const text = run(bytes, { bytePath: false, filteredRuns: false, chunk: bytes.length });
    const hot = run(bytes, { bytePath: true, filteredRuns: false, chunk: 4096 });
    expect(hot.out).toEqual(text.out);
    expect(hot.info).toEqual(text.info);
    expect(text.out.filter((o) => o.kind === 'skip' && o.code === 'FILTERED').length).toBeGreaterThan(lines.length / 2);
  });

  it('on every cut, every one-byte deletion and stray bytes anywhere in the listed messages', () => {
    const strays = ['"', '\t', ' ', '=', '\\', '1', '-'];
    const decided = new Map<string, number>();
    const check = (header: string, message: string) => {
      for (const id of holdToParse(header + message)) decided.set(id, (decided.get(id) ?? 0) + 1);
    };
    for (const message of MESSAGES) {
      // Cisco's tag is the syslog tag: after a header with none of its own
      const header = message.startsWith('%') ? '<166>Mar 28 2026 01:00:00 asa-edge01 : ' : 'Mar 28 01:00:00 edge01 ';
      for (let at = 0; at <= message.length; at++) {
        check(header, message.slice(0, at));
        if (at < message.length) check(header, message.slice(0, at) + message.slice(at + 1));
      }
      // stray bytes where they change the most: around the `=`, `"`, `,`, `/`, `(`, `-` and spaces that structure the
      // lines (two of them in turn at each place, before and after it)
      for (let at = 0, n = 0; at < message.length; at++) {
        if (!/[=", /:|()-]/.test(message[at]!)) continue;
        for (const b of [strays[n++ % strays.length]!, strays[(n + 2) % strays.length]!]) {
          check(header, message.slice(0, at) + b + message.slice(at));
          check(header, message.slice(0, at + 1) + b + message.slice(at + 1));
        }
      }
    }
    for (const format of withBytes) expect(decided.get(format.id) ?? 0, format.id).toBeGreaterThan(format.id === 'cisco-ftd' ? 20 : 100);
  });

  it('on generated lines', () => {
    fc.assert(fc.property(line, (text) => {
      holdToParse(text);
    }), { numRuns: 3000 });
  });
});
