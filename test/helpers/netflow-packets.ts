/** NetFlow v5 / v9 / IPFIX export packets built from byte literals, for the decoder, sequencer and input tests. */
export const u8 = (n: number) => Buffer.from([n & 255]);
export const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
export const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
export const u64 = (n: number) => Buffer.concat([u32(Math.floor(n / 2 ** 32)), u32(n % 2 ** 32)]);
export const ip4 = (s: string) => Buffer.from(s.split('.').map(Number));
export const cat = (...b: Buffer[]) => Buffer.concat(b);

export const EXPORT_S = Date.UTC(2026, 2, 16, 10, 30, 0) / 1000;
export const UPTIME = 100_000;

export function v5Packet(): Buffer {
  const header = cat(u16(5), u16(2), u32(UPTIME), u32(EXPORT_S), u32(500_000_000), u32(1), u8(0), u8(0), u16(0));
  const rec = (src: string, dst: string, sport: number, dport: number, first: number) =>
    cat(ip4(src), ip4(dst), ip4('0.0.0.0'), u16(1), u16(2), u32(3), u32(180), u32(first), u32(first + 10), u16(sport), u16(dport), u8(0), u8(0x18), u8(6), u8(0), u16(0), u16(0), u8(0), u8(0), u16(0));
  return cat(header, rec('203.0.113.7', '10.1.2.3', 51515, 104, UPTIME - 2000), rec('10.1.2.3', '203.0.113.7', 104, 51515, UPTIME - 1000));
}

/** v9: a template (256: src, dst, sport, dport, proto, bytes, pkts, first), an options template (257) and data. */
export const v9Header = (count: number, sourceId = 1) => cat(u16(9), u16(count), u32(UPTIME), u32(EXPORT_S), u32(7), u32(sourceId));
export const flowset = (id: number, body: Buffer) => { const pad = (4 - ((body.length + 4) % 4)) % 4; return cat(u16(id), u16(4 + body.length + pad), body, Buffer.alloc(pad)); };
export const v9TemplateFlowset = () => flowset(0, cat(u16(256), u16(8), u16(8), u16(4), u16(12), u16(4), u16(7), u16(2), u16(11), u16(2), u16(4), u16(1), u16(1), u16(4), u16(2), u16(4), u16(22), u16(4)));
export const v9Options = () => flowset(1, cat(u16(257), u16(4), u16(4), u16(1), u16(4), u16(34), u16(4))); // scope system(1) 4 bytes; SAMPLING_INTERVAL(34)
export const v9Rec = (src: string, dst: string, sport: number, dport: number) => cat(ip4(src), ip4(dst), u16(sport), u16(dport), u8(6), u32(60), u32(1), u32(UPTIME - 3000));
export const v9DataFlowset = () => flowset(256, cat(v9Rec('203.0.113.7', '10.1.2.3', 51515, 104), v9Rec('198.51.100.9', '10.1.2.4', 40000, 11112)));
export const v9Packet = () => cat(v9Header(4), v9TemplateFlowset(), v9Options(), flowset(257, cat(u32(0), u32(100))), v9DataFlowset());

/** Cisco ASA NSEL: 152 create time ms, 231/232 fwd/rev bytes, 233 fw event. */
export const nselPacket = () => {
  const tpl = flowset(0, cat(u16(260), u16(7), u16(8), u16(4), u16(12), u16(4), u16(7), u16(2), u16(11), u16(2), u16(4), u16(1), u16(152), u16(8), u16(233), u16(1)));
  const created = Date.UTC(2026, 2, 16, 10, 15, 2, 345);
  const data = flowset(260, cat(ip4('203.0.113.7'), ip4('10.1.2.3'), u16(51515), u16(104), u8(6), u64(created), u8(3)));
  return cat(v9Header(2, 0), tpl, data);
};

/** IPFIX: template 300 with an enterprise field and a variable-length field, IPv6 addresses, flowStartMilliseconds. */
export const ipfixPacket = () => {
  const v6 = (s: string) => { const out = Buffer.alloc(16); s.split(':').forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2)); return out; };
  const set = (id: number, body: Buffer) => cat(u16(id), u16(4 + body.length), body);
  const tpl = set(2, cat(u16(300), u16(7), u16(27), u16(16), u16(28), u16(16), u16(11), u16(2), u16(4), u16(1), u16(152), u16(8), u16(0x8000 | 1), u16(4), u32(29305), u16(82), u16(65535)));
  const rec = cat(v6('2001:db8:0:0:0:0:0:7'), v6('0:0:0:0:0:ffff:a01:203'), u16(104), u8(6), u64(Date.UTC(2026, 2, 16, 10, 20, 0, 1)), u32(999), u8(4), Buffer.from('eth0'));
  const body = cat(set(300, rec));
  const msgBody = cat(tpl, body);
  return cat(u16(10), u16(16 + msgBody.length), u32(EXPORT_S), u32(1), u32(5), msgBody);
};

