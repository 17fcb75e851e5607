/** The command line around yargs: what main hands it, and a middleware for what it hands the commands. */

/**
 * yargs drops a lone `-` from positionals (yargs/yargs#1312): `scan -` arrived as no files at all, and `scan a.csv -`
 * as a.csv alone. main hands yargs this stand-in for every lone `-` (a NUL cannot come from a command line) and
 * restoreDashes puts `-` back before the commands see their arguments.
 */
const DASH_STAND_IN = '\0-';

/**
 * A negative UTC offset after `--tz` (`--tz -05:00`, as a user or the corpus scorer writes it) reads to yargs as a
 * cluster of short flags; it is handed on as `--tz=-05:00`, which yargs takes as the option's value.
 */
const SIGNED_VALUE = /^-\d/;

export function shieldDashes(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (a === '--tz' && next !== undefined && SIGNED_VALUE.test(next)) {
      out.push(`--tz=${next}`);
      i++;
    } else {
      out.push(a === '-' ? DASH_STAND_IN : a);
    }
  }
  return out;
}

/** yargs middleware: every value that was a lone `-` on the command line is `-` again. */
export function restoreDashes(argv: Record<string, unknown>): void {
  const restore = (v: unknown): unknown => (v === DASH_STAND_IN ? '-' : Array.isArray(v) ? v.map(restore) : v);
  for (const [key, value] of Object.entries(argv)) argv[key] = restore(value);
}

/**
 * yargs middleware: an option that takes one value, given more than once, keeps the last (`--tz UTC --tz Europe/Berlin`
 * is Europe/Berlin), as most command lines do — so options can be appended to a saved set. yargs makes such an option
 * a list, which a command would take for one value. `lists`: the options that do collect (`--allow`, `--map`, the
 * files), from yargs once the command's options are known.
 */
export function lastOfRepeated(lists: () => readonly string[]): (argv: Record<string, unknown>) => void {
  return (argv) => {
    const collect = new Set(lists());
    for (const [key, value] of Object.entries(argv)) {
      if (key !== '_' && Array.isArray(value) && value.length > 0 && !collect.has(key)) argv[key] = value[value.length - 1];
    }
  };
}
