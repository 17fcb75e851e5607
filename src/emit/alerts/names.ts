/**
 * The alert writers' `--output` names, in the order `--help` lists them. Apart from the writers (index.ts, which must
 * have one for each name and no other) so the command line can offer them without loading the writers.
 */
export const ALERT_OUTPUT_NAMES = ['table', 'jsonl', 'csv', 'ocsf', 'cef'] as const;

export type AlertOutput = (typeof ALERT_OUTPUT_NAMES)[number];
