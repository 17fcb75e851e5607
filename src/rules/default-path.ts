/** The rules shipped with the package (`rules/` at the package root, beside `dist/` and `src/`). */
import { fileURLToPath } from 'node:url';

export const DEFAULT_RULES_PATH = fileURLToPath(new URL('../../rules/', import.meta.url));
