// The hunt as a careful Node user writes it by hand, one scanner per format: Buffer-level (large chunks, line ends
// by indexOf, no string per line), the destination port tested on bytes first, strings made only for the records
// that can match. Same semantics as the advisory's KQL: port 104, an IPv4 source outside 10/8, 172.16/12,
// 192.168/16, count per (source, destination, hour). Run as `node scanners.mjs FORMAT FILE`; prints "groups events".
// No validation and no accounting: that is what makes it a baseline, not a product.
import { openSync, readSync, closeSync } from 'node:fs';

const NL = 10;
const CHUNK = 1 << 22;

/** Calls `line(buf, start, end)` for every line of the file. */
function eachLine(file, line) {
  const fd = openSync(file, 'r');
  let buf = Buffer.allocUnsafe(CHUNK);
  let have = 0;
  for (;;) {
    if (have === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    const n = readSync(fd, buf, have, buf.length - have, null);
    const end = have + n;
    let start = 0;
    for (let nl = buf.indexOf(NL, have); nl !== -1 && nl < end; nl = buf.indexOf(NL, start)) {
      line(buf, start, nl);
      start = nl + 1;
    }
    if (n === 0) {
      if (start < end) line(buf, start, end);
      break;
    }
    buf.copy(buf, 0, start, end);
    have = end - start;
  }
  closeSync(fd);
}

/** Whether buf[start, end) is an IPv4 address outside the private ranges (ipv4_is_private(src) == false). */
function externalIpv4(buf, start, end) {
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let a = -1;
  let b = -1;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c === 46) {
      if (digits === 0) return false;
      if (dots === 0) a = octet; else if (dots === 1) b = octet;
      dots++;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      octet = octet * 10 + c - 48;
      digits++;
      if (digits > 3 || octet > 255) return false;
    } else return false;
  }
  if (dots !== 3 || digits === 0) return false;
  return !(a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168));
}

const is104 = (buf, i, endChar) => buf[i] === 49 && buf[i + 1] === 48 && buf[i + 2] === 52 && buf[i + 3] === endChar;

function nthDelimiter(buf, start, end, delim, n) {
  let i = start - 1;
  for (let k = 0; k < n; k++) {
    i = buf.indexOf(delim, i + 1);
    if (i === -1 || i >= end) return -1;
  }
  return i;
}

const SCANNERS = {
  /** TimeGenerated,SourceIP,SourcePort,DestinationIP,DestinationPort,… (header skipped) */
  csv(file, count) {
    let header = true;
    eachLine(file, (buf, s, e) => {
      if (header) { header = false; return; }
      const c4 = nthDelimiter(buf, s, e, 44, 4);
      if (c4 < 0 || !is104(buf, c4 + 1, 44)) return;
      const c1 = buf.indexOf(44, s);
      const c2 = buf.indexOf(44, c1 + 1);
      if (!externalIpv4(buf, c1 + 1, c2)) return;
      const c3 = buf.indexOf(44, c2 + 1); // c2..c3 is the source port
      count(`${buf.latin1Slice(c1 + 1, c2)},${buf.latin1Slice(c3 + 1, c4)},${buf.latin1Slice(s, s + 13)}`);
    });
  },
  /** {"TimeGenerated":"…","SourceIP":"…",…,"DestinationPort":104,…} */
  jsonl(file, count) {
    const PORT = Buffer.from('"DestinationPort":');
    eachLine(file, (buf, s, e) => {
      const p = buf.indexOf(PORT, s);
      if (p < 0 || p >= e || !is104(buf, p + PORT.length, 44)) return;
      const o = JSON.parse(buf.latin1Slice(s, e)); // a match: now read it properly
      if (!externalIpv4(Buffer.from(o.SourceIP), 0, o.SourceIP.length)) return;
      count(`${o.SourceIP},${o.DestinationIP},${o.TimeGenerated.slice(0, 13)}`);
    });
  },
  /** … SRC=a DST=b … DPT=104 … (the local-time hour: an hour of local time is one hour of UTC in this data) */
  iptables(file, count) {
    const DPT = Buffer.from(' DPT=');
    const SRC = Buffer.from(' SRC=');
    const DST = Buffer.from(' DST=');
    eachLine(file, (buf, s, e) => {
      const p = buf.indexOf(DPT, s);
      if (p < 0 || p >= e || !is104(buf, p + 5, 32)) return;
      const a = buf.indexOf(SRC, s) + 5;
      const ae = buf.indexOf(32, a);
      if (!externalIpv4(buf, a, ae)) return;
      const d = buf.indexOf(DST, ae) + 5;
      count(`${buf.latin1Slice(a, ae)},${buf.latin1Slice(d, buf.indexOf(32, d))},${buf.latin1Slice(s, s + 9)}`);
    });
  },
  /** version account eni src dst sport dport proto packets bytes start end action status */
  vpc(file, count) {
    eachLine(file, (buf, s, e) => {
      const f6 = nthDelimiter(buf, s, e, 32, 6);
      if (f6 < 0 || !is104(buf, f6 + 1, 32)) return;
      const f3 = nthDelimiter(buf, s, e, 32, 3);
      const f4 = buf.indexOf(32, f3 + 1);
      if (!externalIpv4(buf, f3 + 1, f4)) return;
      const f5 = buf.indexOf(32, f4 + 1);
      const f10 = nthDelimiter(buf, f6 + 1, e, 32, 4);
      const start = Number(buf.latin1Slice(f10 + 1, buf.indexOf(32, f10 + 1)));
      count(`${buf.latin1Slice(f3 + 1, f4)},${buf.latin1Slice(f4 + 1, f5)},${Math.floor(start / 3600)}`);
    });
  },
};

export const SCANNER_FORMATS = Object.keys(SCANNERS);

if (import.meta.url === `file://${process.argv[1]}`) {
  const [format, file] = process.argv.slice(2);
  const groups = new Map();
  SCANNERS[format](file, (key) => groups.set(key, (groups.get(key) ?? 0) + 1));
  let events = 0;
  for (const n of groups.values()) events += n;
  process.stdout.write(`${groups.size} ${events}\n`);
}
