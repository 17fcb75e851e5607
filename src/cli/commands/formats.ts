/** `dicomwatch formats`: its yargs definition; the listing (formats-run.ts) is loaded when the command runs. */
export const command = 'formats';
export const describe = 'list the input formats, how each is recognized, and a sample of each vendor message and JSON document';

export async function handler(): Promise<void> {
  const { runFormats } = await import('./formats-run.js');
  runFormats();
}
