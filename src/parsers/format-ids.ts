/**
 * Every `--format` id, in the order `--help` lists them: the file-level formats (registry.ts), then the vendor
 * message formats of the syslog family (syslog/registry.ts), each in its registry's order. Listed here, not derived
 * from the registries, so the command line can define its options without loading every parser; a test keeps the
 * list equal to the registries.
 */
export const FORMAT_IDS: readonly string[] = [
  // file-level formats
  'netflow', 'pcap', 'jsonl', 'json', 'aws-vpc', 'zeek', 'windows-firewall', 'nfdump', 'windows-security', 'syslog', 'csv',
  // syslog message formats
  'iptables', 'filterlog', 'juniper-srx', 'cisco-asa', 'cisco-ftd', 'cef', 'leef', 'panos', 'fortigate', 'sonicwall',
  'sophos-xg', 'checkpoint', 'meraki',
];

/**
 * The formats whose events come from columns a column schema binds, which `--map field=Column` can name: CSV, JSON
 * Lines and JSON arrays read by the generic schema (an event's `format`). Not vendor lines (syslog, or carried in a
 * column), flow logs, documents or packets: `--map` does not reach their fields, so no hint suggests it there.
 */
export const MAPPABLE_FORMATS: ReadonlySet<string> = new Set(['csv', 'jsonl', 'json']);
