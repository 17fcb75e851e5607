/**
 * IANA "Assigned Internet Protocol Numbers" keywords, lower-cased: the event model's `protocol` values.
 * Numbers with no keyword (61, 63, 68, 99, 114, 253-255) and unassigned ones stay the number as a string.
 * Number 84 has two keywords (TTP, IPTM); the first is used.
 */
const KEYWORDS: readonly (string | undefined)[] = (() => {
  const table: (string | undefined)[] = [];
  const list =
    'hopopt icmp igmp ggp ipv4 st tcp cbt egp igp bbn-rcc-mon nvp-ii pup argus emcon xnet chaos udp mux dcn-meas ' +
    'hmp prm xns-idp trunk-1 trunk-2 leaf-1 leaf-2 rdp irtp iso-tp4 netblt mfe-nsp merit-inp dccp 3pc idpr xtp ddp ' +
    'idpr-cmtp tp++ il ipv6 sdrp ipv6-route ipv6-frag idrp rsvp gre dsr bna esp ah i-nlsp swipe narp min-ipv4 tlsp ' +
    'skip ipv6-icmp ipv6-nonxt ipv6-opts - cftp - sat-expak kryptolan rvd ippc - sat-mon visa ipcv cpnx cphb wsn pvp ' +
    'br-sat-mon sun-nd wb-mon wb-expak iso-ip vmtp secure-vmtp vines ttp nsfnet-igp dgp tcf eigrp ospfigp ' +
    'sprite-rpc larp mtp ax.25 ipip micp scc-sp etherip encap - gmtp ifmp pnni pim aris scps qnx a/n ipcomp snp ' +
    'compaq-peer ipx-in-ip vrrp pgm - l2tp ddx iatp stp srp uti smp sm ptp isis_over_ipv4 fire crtp crudp sscopmce ' +
    'iplt sps pipe sctp fc rsvp-e2e-ignore mobility_header udplite mpls-in-ip manet hip shim6 wesp rohc ethernet ' +
    'aggfrag nsh';
  // IANA writes two keywords with a space; `_` stands for it above so the list can be split on spaces.
  for (const word of list.split(' ')) table.push(word === '-' ? undefined : word.replaceAll('_', ' '));
  return table;
})();

const NUMBER_BY_KEYWORD = new Map<string, number>(
  KEYWORDS.flatMap((k, n) => (k === undefined ? [] : [[k, n] as [string, number]])),
);

/** Spellings that firewalls, pipelines and /etc/protocols use for an IANA keyword (alias → keyword). */
export const PROTOCOL_ALIASES: Readonly<Record<string, string>> = {
  icmpv6: 'ipv6-icmp', icmp6: 'ipv6-icmp', 'icmp-v6': 'ipv6-icmp', ipv6icmp: 'ipv6-icmp',
  'ipsec-esp': 'esp', 'ipsec-ah': 'ah', ipencap: 'ipv4', 'ip-encap': 'ipv4', ospf: 'ospfigp',
  'udp-lite': 'udplite', 'mobility-header': 'mobility header',
};

/** The keyword for a protocol number, or the number as a string; undefined outside 0..255. */
export function protocolFromNumber(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  return KEYWORDS[n] ?? String(n);
}

/** The IANA number for a protocol value of the event model, when it has one. */
export function protocolNumber(protocol: string): number | undefined {
  const n = NUMBER_BY_KEYWORD.get(protocol);
  if (n !== undefined) return n;
  return /^\d{1,3}$/.test(protocol) && Number(protocol) <= 255 ? Number(protocol) : undefined;
}

/**
 * Normalize a protocol name or number as logs write it (`TCP`, `6`, `icmpv6`) to the event model's value: an IANA
 * keyword, or the number as a string when it has none. Anything else (`tpc`, `-1`) is no value
 * of the model: undefined, so a parser counts it as unusable and the engine refuses it (BAD_EVENT), where kept it
 * would pass for a protocol that no rule can name.
 */
export function normalizeProtocol(value: string | number): string | undefined {
  return (typeof value === 'string' ? AS_WRITTEN.get(value) : undefined) ?? ianaProtocol(value);
}

/** The spellings logs write most (`TCP`, `tcp`, `6`), answered without building the compared form. */
const AS_WRITTEN: ReadonlyMap<string, string> = new Map(['tcp', 'udp', 'icmp', 'ipv6-icmp', 'gre', 'esp', 'sctp'].flatMap((k) => {
  const n = String(NUMBER_BY_KEYWORD.get(k));
  return [[k, k], [k.toUpperCase(), k], [n, k]] as [string, string][];
}));

/**
 * A protocol a rule may name: an IANA keyword (or a common spelling of one, `icmpv6`), or a number 0-255, as the
 * event model's value; undefined for anything else (a rule testing `protocol: tpc` would silently match nothing, so
 * it is refused). The same answer as normalizeProtocol, which reads logs.
 */
export function ianaProtocol(value: string | number): string | undefined {
  if (typeof value === 'number') return protocolFromNumber(value);
  const s = value.trim().toLowerCase();
  if (/^\d{1,3}$/.test(s)) return protocolFromNumber(Number(s));
  if (NUMBER_BY_KEYWORD.has(s)) return s;
  return Object.hasOwn(PROTOCOL_ALIASES, s) ? PROTOCOL_ALIASES[s]! : undefined;
}
