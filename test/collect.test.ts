/**
 * The live collector as a library (src/collect/collector.ts): byte-literal packets, a fake clock, no sockets.
 * Holds (data before its template, timeouts, one exporter not holding another), the watermark (closed hours out,
 * late events counted, capped by the clock and by open holds), exporters kept apart, template expiry, the bounds,
 * and the alerts equal to an offline scan of the same packets.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCollector, exporterAddress, type Collector, type CollectorOptions } from '../src/collect/collector.js';
import { liveAlertWriter } from '../src/collect/live-output.js';
import { parseListenUrl } from '../src/collect/udp.js';
import type { Alert } from '../src/model/alert.js';
import { frameNetflow } from '../src/parsers/netflow/format.js';
import { scan } from '../src/pipeline.js';
import { loadRules } from '../src/rules/load.js';
import { REFERENCE_RULE } from './helpers/reference.js';
import type { QueryPlan } from '../src/rules/plan.js';
import { cat, flowset, ip4, u16, u32, UPTIME, v5Packet, v9Rec } from './helpers/netflow-packets.js';

const MIN = 60_000;
const at = (hh: number, mm: number, ss = 0) => Date.UTC(2026, 2, 16, hh, mm, ss);

/** A v9 header exported at `ms` (whole seconds): its records' FIRST_SWITCHED (UPTIME - 3000) make flows 3 s older. */
const v9Header = (ms: number, count: number, sourceId = 1) => cat(u16(9), u16(count), u32(UPTIME), u32(ms / 1000), u32(7), u32(sourceId));
const template = (ms: number) =>
  cat(v9Header(ms, 1), flowset(0, cat(u16(256), u16(8), u16(8), u16(4), u16(12), u16(4), u16(7), u16(2), u16(11), u16(2), u16(4), u16(1), u16(1), u16(4), u16(2), u16(4), u16(22), u16(4))));
/** Data for template 256: `n` flows 203.0.113.7 → 10.1.2.3:104 starting 3 s before `ms`. */
const data = (ms: number, n = 1, src = '203.0.113.7') =>
  cat(v9Header(ms, 1), flowset(256, cat(...Array.from({ length: n }, () => v9Rec(src, '10.1.2.3', 51515, 104)))));
const flowAt = (ms: number) => ms - 3000;

let plans: readonly QueryPlan[];
beforeAll(async () => {
  plans = (await loadRules(REFERENCE_RULE, {}, { semantics: 'strict', internal: [] })).plans;
});

/** A collector on a clock the test moves (`clock.t`), its alerts gathered in `alerts`. */
function harness(options: Partial<CollectorOptions> = {}) {
  const clock = { t: at(12, 0) };
  const collector = createCollector({ plans, now: () => clock.t, graceMs: 5 * MIN, ...options });
  const alerts: Alert[] = [];
  const send = (packet: Buffer, address = '192.0.2.1') => {
    const closed = collector.onDatagram(packet, { address, listener: 'udp://127.0.0.1:2055' });
    alerts.push(...closed);
    return closed;
  };
  const tick = () => {
    const closed = collector.tick();
    alerts.push(...closed);
    return closed;
  };
  return { clock, collector, alerts, send, tick };
}

const addsUp = (c: Collector) => {
  const r = c.summary().records;
  expect(r.records).toBe(r.parsed + r.skipped + r.errors);
};

describe('data before its template', () => {
  it('is held, then decoded when the template arrives, numbered in arrival order', () => {
    const { collector, send } = harness();
    send(data(at(10, 30), 2));
    expect(collector.summary()).toMatchObject({ packets: 1, records: { records: 0 }, holds: { packets: 1 }, engine: { events: 0 } });
    send(template(at(10, 30, 5)));
    expect(collector.summary()).toMatchObject({ records: { records: 2, parsed: 2 }, holds: { packets: 0, timedOut: 0 }, engine: { events: 2 } });
    const { alerts, summary } = collector.stop();
    expect(alerts).toMatchObject([{ srcIp: '203.0.113.7', dstIp: '10.1.2.3', count: 2, time: '2026-03-16T10:00:00.000Z', devices: ['192.0.2.1'] }]);
    expect(summary.alerts).toBe(1);
    addsUp(collector);
  });

  it('a hold that waited longer than holdMs is decoded with what is known: one counted error, not a silent loss', () => {
    const { clock, collector, send, tick } = harness({ holdMs: 2 * MIN });
    const errors: string[] = [];
    const c2 = createCollector({ plans, now: () => clock.t, holdMs: 2 * MIN, onOutcome: (o, exporter) => errors.push(`${exporter} ${o.kind} ${o.message}`) });
    for (const c of [collector, c2]) c.onDatagram(data(at(10, 30)), { address: '192.0.2.1', listener: 'udp://x' });
    clock.t += 2 * MIN - 1;
    tick();
    c2.tick();
    expect(collector.summary().holds).toEqual({ packets: 1, bytes: data(at(10, 30)).length, timedOut: 0 });
    clock.t += 1;
    tick();
    c2.tick();
    expect(collector.summary()).toMatchObject({ holds: { packets: 0, bytes: 0, timedOut: 1 }, records: { errors: 1, errorsBy: { NO_TEMPLATE: 1 } } });
    expect(errors).toEqual([expect.stringMatching(/^192\.0\.2\.1 error .*no template.*exporter 192\.0\.2\.1.*template id 256/)]);
    // The template comes later: from then on the exporter's data is decoded.
    send(template(at(10, 40)));
    send(data(at(10, 40)));
    expect(collector.summary()).toMatchObject({ records: { parsed: 1, errors: 1 }, engine: { events: 1 } });
    addsUp(collector);
  });

  it('one exporter waiting for its template does not hold another', () => {
    const { collector, send } = harness();
    send(data(at(10, 30)), '192.0.2.1');
    send(cat(template(at(10, 30)).subarray(0, 20), template(at(10, 30)).subarray(20)), '192.0.2.2');
    send(data(at(10, 30), 3), '192.0.2.2');
    expect(collector.summary()).toMatchObject({ holds: { packets: 1 }, engine: { events: 3 }, exporters: { active: 2, seen: 2 } });
  });
});

describe('exporters are kept apart', () => {
  it('the same template id with another layout on each exporter decodes each exporter\'s data with its own', () => {
    const { collector, send } = harness();
    // 192.0.2.2's template 256 lists the destination first.
    const swapped = cat(v9Header(at(10, 30), 1), flowset(0, cat(u16(256), u16(3), u16(12), u16(4), u16(8), u16(4), u16(11), u16(2))));
    send(template(at(10, 30)), '192.0.2.1');
    send(swapped, '192.0.2.2');
    send(data(at(10, 30)), '192.0.2.1');
    send(cat(v9Header(at(10, 30), 1), flowset(256, cat(ip4('10.9.9.9'), ip4('198.51.100.5'), u16(104)))), '192.0.2.2');
    const { alerts } = collector.stop();
    expect(alerts.map((a) => [a.srcIp, a.dstIp, a.devices])).toEqual([
      ['198.51.100.5', '10.9.9.9', ['192.0.2.2']],
      ['203.0.113.7', '10.1.2.3', ['192.0.2.1']],
    ]);
  });

  it('an exporter is its address, whatever the source port or the socket family', () => {
    expect(exporterAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(exporterAddress('2001:DB8::1')).toBe('2001:db8::1');
    expect(exporterAddress('fe80::1%eth0')).toBe('fe80::1');
    const { collector, send } = harness();
    send(template(at(10, 30)), '::ffff:192.0.2.1');
    send(data(at(10, 30)), '192.0.2.1'); // decoded with the template the same device sent over the other socket
    expect(collector.summary()).toMatchObject({ exporters: { seen: 1 }, engine: { events: 1 } });
  });

  it('past maxExporters the one heard from least recently is flushed and dropped: its held data is counted', () => {
    const { collector, send } = harness({ maxExporters: 2 });
    send(data(at(10, 30)), '192.0.2.1'); // held: no template
    send(v5Packet(), '192.0.2.2');
    expect(collector.summary().holds.packets).toBe(1);
    send(v5Packet(), '192.0.2.3');
    expect(collector.summary()).toMatchObject({ exporters: { active: 2, seen: 3, evicted: 1 }, holds: { packets: 0 }, records: { errors: 1 } });
    addsUp(collector);
  });

  it('all exporters together hold at most maxHeldBytes: the oldest hold is released first', () => {
    const packet = data(at(10, 30));
    const { clock, collector, send } = harness({ maxHeldBytes: packet.length * 2 });
    send(packet, '192.0.2.1');
    clock.t += 1;
    send(packet, '192.0.2.2');
    expect(collector.summary().holds).toMatchObject({ packets: 2, timedOut: 0 });
    clock.t += 1;
    send(packet, '192.0.2.3');
    expect(collector.summary().holds).toMatchObject({ packets: 2, bytes: packet.length * 2, timedOut: 1 });
    send(template(at(10, 31)), '192.0.2.2');
    expect(collector.summary()).toMatchObject({ holds: { packets: 1 }, records: { errors: 1, parsed: 1 } });
  });
});

describe('the watermark: alerts as their hour closes', () => {
  it('an hour closes once a flow `grace` past its end has arrived, not before', () => {
    const { collector, send, alerts } = harness();
    send(template(at(10, 0)));
    send(data(at(10, 30), 2));
    expect(send(data(at(11, 4)))).toEqual([]); // latest flow 11:03:57, watermark 10:58:57
    expect(collector.summary().watermark).toBe(flowAt(at(11, 4)) - 5 * MIN);
    const closed = send(data(at(11, 5, 4))); // latest flow 11:05:01: watermark 11:00:01
    expect(closed).toMatchObject([{ time: '2026-03-16T10:00:00.000Z', count: 2 }]);
    expect(collector.summary()).toMatchObject({ alerts: 1, engine: { groups: 1 } }); // hour 11 still open
    const { alerts: rest } = collector.stop();
    expect(rest).toMatchObject([{ time: '2026-03-16T11:00:00.000Z', count: 2 }]);
    expect(alerts).toHaveLength(1);
  });

  it('a flow whose hour had closed is late: dropped, counted, in the summary', () => {
    const { collector, send } = harness();
    send(template(at(10, 0)));
    send(data(at(10, 30)));
    expect(send(data(at(11, 10)))).toHaveLength(1);
    expect(send(data(at(10, 59), 4))).toEqual([]); // 10:58:57: hour 10 is out already
    const { alerts, summary } = collector.stop();
    expect(summary.engine).toMatchObject({ events: 6, matched: 6, late: 4 });
    expect(summary.lateEvents).toBe(4);
    expect(alerts).toMatchObject([{ time: '2026-03-16T11:00:00.000Z', count: 1 }]);
    addsUp(collector);
  });

  it('an event several rules drop as late is one late event (the engine counts it per rule)', async () => {
    const pack = (await loadRules('rules', {}, { semantics: 'strict', internal: [] })).plans;
    const { collector, send } = harness({ plans: pack });
    send(template(at(10, 0)));
    send(data(at(10, 30)));
    send(data(at(11, 10)));
    send(data(at(10, 59), 4)); // hour 10 is out already, for every rule
    const { summary } = collector.stop();
    expect(summary.lateEvents).toBe(4);
    expect(summary.engine.late).toBeGreaterThan(4);
    expect(summary.engine.late % 4).toBe(0);
  });

  it('never passes the collector\'s clock: an exporter with a clock in the future does not make the others late', () => {
    const { clock, collector, send, tick } = harness();
    clock.t = at(10, 40);
    send(template(at(10, 0)));
    send(data(at(10, 30)), '192.0.2.1');
    send(data(at(14, 0)), '192.0.2.1'); // four hours ahead of the clock
    expect(collector.summary().watermark).toBe(at(10, 35));
    send(data(at(10, 38)), '192.0.2.1');
    expect(collector.summary().engine.late).toBe(0);
    clock.t = at(11, 6);
    expect(tick()).toMatchObject([{ time: '2026-03-16T10:00:00.000Z', count: 2 }]); // the timer advances it
  });

  it('an open hold keeps the watermark behind its export time, so the held data is not late when released', () => {
    const { collector, send } = harness();
    send(template(at(10, 0)), '192.0.2.2');
    send(data(at(10, 58)), '192.0.2.1'); // held: 192.0.2.1 has not sent its template yet
    expect(send(data(at(11, 10)), '192.0.2.2')).toEqual([]); // would close hour 10, but the hold caps it at 10:53
    expect(collector.summary().watermark).toBe(at(10, 53));
    // The template releases the hold: its data is counted in hour 10, which then closes.
    const closed = send(template(at(11, 10)), '192.0.2.1');
    expect(closed).toMatchObject([{ time: '2026-03-16T10:00:00.000Z', count: 1, devices: ['192.0.2.1'] }]);
    expect(collector.summary().engine.late).toBe(0);
  });
});

describe('templates an exporter stopped refreshing expire', () => {
  it('after templateTtlMs of the collector\'s clock, the exporter\'s data waits for a new template', () => {
    const { clock, collector, send, tick } = harness({ templateTtlMs: 10 * MIN });
    send(template(at(10, 0)));
    send(data(at(10, 1)));
    clock.t += 9 * MIN;
    tick();
    expect(collector.summary().templates).toEqual({ active: 1, expired: 0, evicted: 0 });
    clock.t += 2 * MIN;
    tick();
    expect(collector.summary().templates).toEqual({ active: 0, expired: 1, evicted: 0 });
    send(data(at(10, 12)));
    expect(collector.summary()).toMatchObject({ holds: { packets: 1 }, engine: { events: 1 } });
  });
});

describe('the pre-filter, as scan uses it', () => {
  it('records no rule can match are skipped as FILTERED and counted, a run of them as many records; prefilter: false decodes all', () => {
    const packet = cat(template(at(10, 0)).subarray(0, 20), flowset(256, cat(...[104, 80, 443, 104].map((port) => v9Rec('203.0.113.7', '10.1.2.3', 51515, port)))));
    packet.writeUInt16BE(2, 2);
    const withFilter = harness();
    withFilter.send(template(at(10, 0)));
    withFilter.send(packet);
    expect(withFilter.collector.summary().records).toMatchObject({ records: 4, parsed: 2, skipped: 2, skippedBy: { FILTERED: 2 } });
    addsUp(withFilter.collector);
    const without = harness({ prefilter: false });
    without.send(template(at(10, 0)));
    without.send(packet);
    expect(without.collector.summary().records).toMatchObject({ records: 4, parsed: 4, skipped: 0 });
    expect(without.collector.stop().alerts).toEqual(withFilter.collector.stop().alerts);
  });
});

describe('the same alerts as an offline scan of the same packets', () => {
  it('the repo\'s fixtures, packet by packet, in time order', async () => {
    const files = ['fixtures/netflow/v5.dat', 'fixtures/netflow/v9.dat', 'fixtures/netflow/ipfix.dat'];
    const { collector, send, alerts } = harness();
    for (const f of files) {
      const bytes = readFileSync(f);
      for (let o = 0; o < bytes.length;) {
        const n = frameNetflow(bytes, o, true) as number;
        send(bytes.subarray(o, o + n), '127.0.0.1');
        o += n;
      }
    }
    const { alerts: rest, summary } = collector.stop();
    const offline = await scan(files, { rules: plans });
    const live = [...alerts, ...rest].map((a) => ({ ...a, devices: [] }));
    expect(live).toEqual(offline.alerts);
    expect(summary.records).toMatchObject({ records: offline.info.records, parsed: offline.info.parsed, skipped: offline.info.skipped, errors: offline.info.errors });
    expect(summary.engine.matched).toBe(offline.engine.matched);
    expect(summary).toMatchObject({ packets: 6, versions: { 5: 2, 9: 2, 10: 2 }, exporters: { seen: 1 } });
  });
});

describe('alerts written as they close', () => {
  const alert = (rule: string, src: string, hour: number): Alert => ({
    rule, time: `2026-03-16T${String(hour).padStart(2, '0')}:00:00.000Z`, srcIp: src, dstIp: '10.1.2.3', count: 1,
    firstSeen: '2026-03-16T10:00:00.000Z', lastSeen: '2026-03-16T10:00:00.000Z', dstPorts: [104], actions: {}, severity: 'high', devices: [],
  });
  it('csv: the header once while one rule\'s rows follow each other; again after another rule\'s', () => {
    const w = liveAlertWriter('csv');
    const text = [w.batch([alert('r1', '203.0.113.7', 10)]), w.batch([]), w.batch([alert('r1', '203.0.113.8', 11)]), w.batch([alert('r2', '203.0.113.9', 12)]), w.end()].join('');
    expect(text).toBe(
      'SourceIP,DestinationIP,TimeGenerated,count_\n203.0.113.7,10.1.2.3,2026-03-16T10:00:00.000Z,1\n203.0.113.8,10.1.2.3,2026-03-16T11:00:00.000Z,1\n' +
      '\nSourceIP,DestinationIP,TimeGenerated,count_\n203.0.113.9,10.1.2.3,2026-03-16T12:00:00.000Z,1\n',
    );
  });
  it('jsonl: the lines scan prints; table: one table per batch; no alerts at all: scan\'s empty answer', () => {
    const j = liveAlertWriter('jsonl');
    expect(j.batch([alert('r1', '203.0.113.7', 10)])).toMatch(/^\{"rule":"r1","time":"2026-03-16T10:00:00.000Z","srcIp":"203.0.113.7".*\}\n$/);
    expect(j.end()).toBe('');
    const t = liveAlertWriter('table');
    const two = t.batch([alert('r1', '203.0.113.7', 10)]) + t.batch([alert('r1', '203.0.113.8', 11)]);
    expect(two.split('\n').filter((l) => l.startsWith('COUNT'))).toHaveLength(2);
    expect(two).toContain('\n\nCOUNT');
    expect(liveAlertWriter('table').end()).toBe('no alerts\n');
    expect(liveAlertWriter('csv').end()).toBe('SourceIP,DestinationIP,TimeGenerated,count_\n');
    expect(liveAlertWriter('jsonl').end()).toBe('');
  });
});

describe('the package', () => {
  it('exports the collector, the UDP adapter\'s URL parser and the framing a replay needs', async () => {
    const api = await import('dicomwatch');
    expect([typeof api.createCollector, typeof api.listenUdp, typeof api.parseListenUrl, typeof api.frameNetflow, typeof api.liveAlertWriter])
      .toEqual(['function', 'function', 'function', 'function', 'function']);
  });
});

describe('--listen URLs', () => {
  it('IPv4, bracketed IPv6, port 0', () => {
    expect(parseListenUrl('udp://0.0.0.0:2055')).toEqual({ url: 'udp://0.0.0.0:2055', host: '0.0.0.0', port: 2055, family: 4 });
    expect(parseListenUrl('udp://[::1]:4739')).toMatchObject({ host: '::1', port: 4739, family: 6 });
    expect(parseListenUrl('UDP://127.0.0.1:0')).toMatchObject({ port: 0 });
  });
  it.each([
    ['tcp://0.0.0.0:2055', 'is not a UDP address'],
    ['udp://0.0.0.0', 'has no port'],
    ['udp://0.0.0.0:', 'has no port'],
    ['udp://0.0.0.0:65536', 'not 0-65535'],
    ['udp://0.0.0.0:20x', 'not 0-65535'],
    ['udp://::1:2055', 'needs brackets'],
    ['udp://localhost:2055', 'not an IP address'],
    ['udp://[10.0.0.1]:2055', 'brackets around an IPv4 host'],
    ['udp://:2055', 'has no host'],
    ['0.0.0.0:2055', 'is not a URL'],
    ['udp://0.0.0.0:2055/x', 'is not HOST:PORT'],
  ])('%s is refused: %s', (url, why) => {
    expect(() => parseListenUrl(url)).toThrow(why);
  });
});
