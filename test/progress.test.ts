import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from '../src/cli/progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, columns: 100, write: (t: string) => writes.push(t) } as unknown as NodeJS.WriteStream, writes };
}

describe('progress line', () => {
  afterEach(() => vi.useRealTimers());

  it('never writes when stderr is not a terminal (pipes, CI logs)', () => {
    vi.useFakeTimers();
    const { stream, writes } = fakeStream(false);
    const p = createProgress(stream, true);
    p.file('a.csv', 2048);
    p.bytes(1024);
    vi.advanceTimersByTime(1000);
    p.stop();
    expect(writes).toEqual([]);
  });

  it('never writes with --quiet, even on a terminal', () => {
    vi.useFakeTimers();
    const { stream, writes } = fakeStream(true);
    createProgress(stream, false).file('a.csv', 10);
    vi.advanceTimersByTime(1000);
    expect(writes).toEqual([]);
  });

  it('on a terminal: bytes of total, percent, ETA and records/s a few times a second, cleared at the end', () => {
    vi.useFakeTimers({ now: 0 });
    const { stream, writes } = fakeStream(true);
    const p = createProgress(stream, true);
    p.file('a.csv', 2048);
    vi.advanceTimersByTime(1000);
    p.bytes(1024);
    p.records(5000);
    vi.advanceTimersByTime(250);
    expect(writes.length).toBe(5); // every 250 ms
    expect(writes.at(-1)).toBe('\r\x1b[Ka.csv: 1.0 KB of 2.0 KB (50%), ETA 2 s, 4,000 records/s');
    p.stop();
    expect(writes.at(-1)).toBe('\r\x1b[K');
    vi.advanceTimersByTime(1000);
    expect(writes.length).toBe(6);
  });
});
