/** A one-line progress display on stderr, only when stderr is a terminal: never in pipes or CI logs. */
export interface Progress {
  file(name: string, total: number | undefined): void;
  bytes(read: number): void;
  records(count: number): void;
  /** Clear the line for good; later calls do nothing. */
  stop(): void;
}

const NONE: Progress = { file() {}, bytes() {}, records() {}, stop() {} };

function human(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function createProgress(stream: NodeJS.WriteStream, enabled: boolean): Progress {
  if (!enabled || !stream.isTTY) return NONE;
  const started = Date.now();
  let name = '';
  let total: number | undefined;
  let read = 0;
  let records = 0;
  let stopped = false;
  const draw = () => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(records / seconds) : 0;
    let text = `${name}: ${human(read)}`;
    if (total) {
      const fraction = Math.min(1, read / total);
      const eta = fraction > 0 ? (seconds / fraction - seconds) : undefined;
      text += ` of ${human(total)} (${Math.floor(fraction * 100)}%)`;
      if (eta !== undefined) text += `, ETA ${Math.ceil(eta)} s`;
    }
    text += `, ${rate.toLocaleString('en-US')} records/s`;
    stream.write(`\r\x1b[K${text.slice(0, (stream.columns || 80) - 1)}`);
  };
  const timer = setInterval(draw, 250);
  timer.unref();
  return {
    file(n, t) {
      name = n;
      total = t;
      read = 0;
    },
    bytes(n) {
      read = n;
    },
    records(n) {
      records = n;
    },
    stop() {
      // Called on every way out (done, failed output, Ctrl-C): the line is cleared once, before the summary.
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write('\r\x1b[K');
    },
  };
}
