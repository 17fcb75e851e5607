/**
 * A transport port as logs, rules and options write it: an integer 0..65535, as a number or decimal digits
 * (surrounding spaces allowed). `undefined` for absent, `null` for present but not a port.
 */
export function portOf(value: unknown): number | null | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,5}\s*$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : null;
}
