/**
 * A transport port as logs, rules and options write it: an integer 0..65535, as a number or decimal digits
 * (surrounding spaces allowed). `undefined` for absent, `null` for present but not a port.
 */
export function portOf(value: unknown): number | null | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    // The common case, plain digits, without the regular expression.
    const digits = value.length;
    if (digits > 0 && digits <= 5) {
      let n = 0;
      for (let i = 0; i < digits; i++) {
        const d = value.charCodeAt(i) - 48;
        if (d < 0 || d > 9) return portOfText(value);
        n = n * 10 + d;
      }
      return n <= 65535 ? n : null;
    }
    return portOfText(value);
  }
  const n = typeof value === 'number' ? value : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : null;
}

/** portOf of a text that is not 1–5 plain digits: spaces around them are allowed. */
function portOfText(value: string): number | null {
  const n = /^\s*\d{1,5}\s*$/.test(value) ? Number(value) : NaN;
  return n <= 65535 ? n : null;
}

/** Transport protocols whose connections have ports. */
const PORT_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);

/**
 * An event that no port rule can match because its destination port went unread: none, though its protocol has
 * ports (or is unknown). ICMP and other port-less protocols are not counted.
 */
export function lacksDstPort(event: { dstPort?: number; protocol?: string }): boolean {
  return event.dstPort === undefined && (event.protocol === undefined || PORT_PROTOCOLS.has(event.protocol));
}
