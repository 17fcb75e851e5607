/**
 * The reference rule alone. Suites written about the advisory's hunt (its alerts, its KQL, its Sigma) run it by
 * itself, so their expectations stay the reference rule's; test/rule-pack.test.ts covers the whole shipped pack,
 * which `scan`, `kql` and `sigma` run by default.
 */
import { fileURLToPath } from 'node:url';

export const REFERENCE_RULE = fileURLToPath(new URL('../../rules/dicom-external-access.yml', import.meta.url));
/** The same, as the CLI is given it (relative to the repository root, where the CLI tests run). */
export const REFERENCE_RULE_ARG = 'rules/dicom-external-access.yml';
