/**
 * Help examples as text under the options, each command line whole on its own line and its purpose indented below.
 * yargs' own `.example()` puts commands in a column at most half the help's width, so at 80 columns it breaks a
 * command line in the middle, and a copied example no longer runs.
 */
export type Example = readonly [command: string, purpose: string];

export function examplesText(examples: readonly Example[]): string {
  return ['Examples:', ...examples.flatMap(([command, purpose]) => [`  ${command}`, `      ${purpose}`])].join('\n');
}

/** The top-level help's examples (here, not in main.ts, which runs when imported). */
export const MAIN_EXAMPLES: readonly Example[] = [
  ['$0 scan fixtures/sentinel-export.csv', 'alerts from a Sentinel export, as a table'],
  ['$0 scan fw.csv.gz --semantics kql --output csv', 'exactly the rows the advisory\'s KQL returns'],
  ['$0 kql --ports 104,11112 --allow 198.51.100.0/24', 'the rule as KQL for Sentinel, options applied'],
  ['$0 sigma --internal 10.200.0.0/16', 'the rule as Sigma for other SIEMs'],
];

/** The help's width: the terminal's, or $COLUMNS when stdout is not one (help piped to a pager), at most 110. */
export function helpWidth(columns: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.COLUMNS);
  return Math.min(110, columns || (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 110));
}
