/** The package's version (package.json), for the products dicomwatch's outputs name (OCSF metadata, CEF header). */
import { readFileSync } from 'node:fs';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
