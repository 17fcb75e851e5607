// The bench's data: one deterministic stream of connections (seeded PRNG) written as CSV, JSONL, iptables syslog,
// AWS VPC flow logs, PAN-OS and CEF, and the reference hunt's answer computed here, from the generator's own values
// (not by any of the tools measured), under the advisory's semantics: destination port 104, `ipv4_is_private(src)
// == false` (an IPv4 source outside 10/8, 172.16/12, 192.168/16; IPv6 and IPv4-mapped sources are null there, so
// never counted), count per (source, destination, UTC hour).
//
// What makes it awkward on purpose: three days of traffic across Europe/Berlin's spring DST change (syslog stamps are
// local time, as collectors write them), ~1 % to port 104, sources that trip naive prefix checks (172.15.x, 172.32.x,
// 192.169.x, 100.64/10, 10x.…), IPv6 and IPv4-mapped sources, replies from source port 104, near-miss destination
// ports (1104, 10400, 11112, 1040).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const TZ = 'Europe/Berlin';
/** 2026-03-28 00:00 UTC: Berlin switches to summer time on 2026-03-29 at 01:00 UTC (02:00 CET → 03:00 CEST). */
const START = Date.UTC(2026, 2, 28);
const SPAN = 3 * 86_400_000;
const DST_SWITCH = Date.UTC(2026, 2, 29, 1);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n) => (n < 10 ? `0${n}` : `${n}`);

/** Berlin wall-clock parts of an instant (only the spring change falls in the span). */
function berlin(ms) {
  const d = new Date(ms + (ms >= DST_SWITCH ? 2 : 1) * 3_600_000);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth(), d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
}

function* connections(count, seed) {
  let s = seed >>> 0;
  const rnd = (n) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const tricky = ['172.15', '172.32', '192.169', '100.64', '100.127', '101.10', '11.0', '172.31', '192.168', '10.200'];
  const external = () => {
    const k = rnd(100);
    if (k < 8) return `${tricky[rnd(tricky.length)]}.${rnd(256)}.${rnd(256)}`;
    if (k < 10) return `2001:db8:${rnd(65536).toString(16)}::${rnd(65536).toString(16)}`;
    if (k < 11) return `::ffff:198.51.${rnd(256)}.${rnd(256)}`;
    if (k < 40) return `10.${rnd(256)}.${rnd(256)}.${rnd(256)}`;
    // a small pool of scanners so that groups repeat within an hour
    return k < 70 ? `203.0.113.${rnd(64)}` : `${1 + rnd(222)}.${rnd(256)}.${rnd(256)}.${rnd(256)}`;
  };
  const near = [1104, 10400, 11112, 1040, 443, 80, 53, 3389, 22, 8080];
  for (let i = 0; i < count; i++) {
    const time = START + Math.floor((i / count) * SPAN) + rnd(1000);
    const src = external();
    const dst = `10.1.${rnd(4)}.${rnd(32)}`;
    const k = rnd(1000);
    let srcPort = 1024 + rnd(60000);
    let dstPort = near[rnd(near.length)];
    if (k < 10) dstPort = 104;
    else if (k < 20) { srcPort = 104; dstPort = 1024 + rnd(60000); } // a PACS answering
    yield { time, src, srcPort, dst, dstPort, action: rnd(4) === 0 ? 'allow' : 'deny' };
  }
}

const isIpv4 = (ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip);
function kqlExternal(ip) {
  if (!isIpv4(ip)) return false;
  const [a, b] = ip.split('.').map(Number);
  return !(a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168));
}

const WRITERS = {
  csv: {
    header: 'TimeGenerated [UTC],SourceIP,SourcePort,DestinationIP,DestinationPort,Protocol,DeviceAction,DeviceName\n',
    line: (c) => `${new Date(c.time).toISOString()},${c.src},${c.srcPort},${c.dst},${c.dstPort},TCP,${c.action === 'allow' ? 'Allow' : 'Deny'},fw01\n`,
  },
  jsonl: {
    line: (c) => `${JSON.stringify({ TimeGenerated: new Date(c.time).toISOString(), SourceIP: c.src, SourcePort: c.srcPort, DestinationIP: c.dst, DestinationPort: c.dstPort, Protocol: 'TCP', DeviceAction: c.action === 'allow' ? 'Allow' : 'Deny', DeviceName: 'fw01' })}\n`,
  },
  iptables: {
    line: (c) => {
      const t = berlin(c.time);
      return `${MONTHS[t.mo]} ${t.d < 10 ? ` ${t.d}` : t.d} ${p2(t.h)}:${p2(t.mi)}:${p2(t.s)} edge01 kernel: [1234567.890123] FW-${c.action === 'allow' ? 'ACCEPT' : 'DROP'} IN=eth0 OUT=eth1 MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${c.src} DST=${c.dst} LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=${c.srcPort} DPT=${c.dstPort} WINDOW=64240 RES=0x00 SYN URGP=0\n`;
    },
  },
  vpc: {
    // v2 default layout, headerless as S3 delivers it; start/end in epoch seconds (the hunt buckets the start)
    line: (c) => {
      const start = Math.floor(c.time / 1000);
      return `2 123456789010 eni-0a1b2c3d4e5f60718 ${c.src} ${c.dst} ${c.srcPort} ${c.dstPort} 6 4 240 ${start} ${start + 60} ${c.action === 'allow' ? 'ACCEPT' : 'REJECT'} OK\n`;
    },
  },
  panos: {
    line: (c) => {
      const t = berlin(c.time);
      const local = `${t.y}/${p2(t.mo + 1)}/${p2(t.d)} ${p2(t.h)}:${p2(t.mi)}:${p2(t.s)}`;
      const iso = new Date(c.time).toISOString().replace('Z', '+00:00');
      return `<14>${MONTHS[t.mo]} ${t.d < 10 ? ` ${t.d}` : t.d} ${p2(t.h)}:${p2(t.mi)}:${p2(t.s)} pa-edge-01 1,${local},013201004321,TRAFFIC,end,2561,${local},${c.src},${c.dst},0.0.0.0,0.0.0.0,inbound-pacs,,,dicom,vsys1,untrust,dmz,ethernet1/1,ethernet1/3,fwd-siem,${local},88231,1,${c.srcPort},${c.dstPort},0,0,0x400053,tcp,${c.action},52240,1840,50400,64,${local},29,any,,7100000000000001,0x0,United States,10.0.0.0-10.255.255.255,,30,34,tcp-fin,0,0,0,0,,pa-edge-01,from-policy,,,0,,0,,N/A,0,0,0,0,b9d4a1c2-3e5f-4a6b-8c7d-0e1f2a3b4c5d,0,0,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,${iso},,,health-care,business-systems,client-server,1,,,no,no,no,0\n`;
    },
  },
  cef: {
    line: (c) => {
      const t = berlin(c.time);
      return `${MONTHS[t.mo]} ${t.d < 10 ? ` ${t.d}` : t.d} ${p2(t.h)}:${p2(t.mi)}:${p2(t.s)} FGT-HOSP-01 CEF:0|Fortinet|Fortigate|v7.2.4|00013|traffic:forward ${c.action}|4|deviceExternalId=FG100FTK20000123 FTNTFGTlogid=0000000013 cat=traffic:forward FTNTFGTsubtype=forward FTNTFGTlevel=warning FTNTFGTvd=root FTNTFGTeventtime=${c.time}000000 FTNTFGTtz=+0000 src=${c.src} spt=${c.srcPort} deviceInboundInterface=wan1 FTNTFGTsrcintfrole=wan dst=${c.dst} dpt=${c.dstPort} deviceOutboundInterface=internal FTNTFGTdstintfrole=lan FTNTFGTpoluuid=7b1c2e9a-21f0-51ee-4d2c-9f1f6c0a1b2c externalId=1180023 proto=6 act=${c.action} FTNTFGTpolicyid=0 FTNTFGTpolicytype=policy app=tcp/${c.dstPort} FTNTFGTdstcountry=Reserved FTNTFGTsrccountry=United States FTNTFGTtrandisp=noop FTNTFGTduration=0 out=0 in=0 FTNTFGTsentpkt=0 FTNTFGTrcvdpkt=0 FTNTFGTcrscore=30 FTNTFGTcraction=131072 FTNTFGTcrlevel=high\n`;
    },
  },
};

export const FORMATS = Object.keys(WRITERS);

/**
 * Write `count` connections in each of `formats` (default: all) to `dir/<format>.<ext>`; returns the files and the
 * expected answer: a Map `src,dst,hourISO` → count.
 */
export async function generate(dir, count, seed = 42, formats = FORMATS) {
  const files = {};
  const streams = {};
  for (const f of formats) {
    files[f] = `${dir}/bench.${f === 'csv' || f === 'jsonl' ? f : `${f}.log`}`;
    streams[f] = createWriteStream(files[f]);
    if (WRITERS[f].header) streams[f].write(WRITERS[f].header);
  }
  const expected = new Map();
  const pending = Object.fromEntries(formats.map((f) => [f, '']));
  for (const c of connections(count, seed)) {
    if (c.dstPort === 104 && kqlExternal(c.src)) {
      const key = `${c.src},${c.dst},${new Date(Math.floor(c.time / 3_600_000) * 3_600_000).toISOString()}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    for (const f of formats) {
      pending[f] += WRITERS[f].line(c);
      if (pending[f].length > 1 << 20) {
        if (!streams[f].write(pending[f])) await once(streams[f], 'drain');
        pending[f] = '';
      }
    }
  }
  for (const f of formats) {
    streams[f].end(pending[f]);
    await once(streams[f], 'finish');
  }
  return { files, expected };
}
