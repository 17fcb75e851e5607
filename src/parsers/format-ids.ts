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
