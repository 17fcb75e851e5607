/**
 * The event fields a column can feed (and `--map` can name): the event model's fields plus the one-direction
 * counters that add up to a total. Not to be confused with Sigma field names (`src_ip`…, src/rules/taxonomy.ts).
 * Apart from the column tables (fields.ts) so the command line can name them without loading the parsers.
 */
export const SOURCE_FIELDS = [
  'time', 'srcIp', 'dstIp', 'srcPort', 'dstPort', 'protocol', 'action',
  'bytes', 'packets', 'srcBytes', 'dstBytes', 'srcPackets', 'dstPackets', 'device', 'vendor', 'product',
] as const;

export type SourceField = (typeof SOURCE_FIELDS)[number];
