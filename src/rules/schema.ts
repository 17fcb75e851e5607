/**
 * The Sigma specification's own JSON schemas (v2.1.0, vendored unmodified in ./sigma-schemas/), applied to rule
 * documents by `dicomwatch check`: a rule the engine could run but other Sigma tools would reject is reported, at
 * the YAML node the schema objects to.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import correlationSchema from './sigma-schemas/sigma-correlation-rules-schema.json' with { type: 'json' };
import detectionSchema from './sigma-schemas/sigma-detection-rule-schema.json' with { type: 'json' };
import { RuleError } from './errors.js';
import type { SigmaRule } from './sigma.js';

// ajv-formats is CommonJS with `module.exports = plugin` plus `.default`: take whichever the loader gives.
type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

let validators: Record<SigmaRule['kind'], ValidateFunction> | undefined;

/**
 * Compiled once, on first use. `strict: false`: the schemas use constructs ajv's strict mode rejects (`items` on
 * objects, pseudo-keywords inside `anyOf`), which are no-ops in JSON Schema (see the schemas' README).
 */
function schemaValidators(): Record<SigmaRule['kind'], ValidateFunction> {
  if (!validators) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    validators = { detection: ajv.compile(detectionSchema as object), correlation: ajv.compile(correlationSchema as object) };
  }
  return validators;
}

/** An ajv instance path (`/detection/selection`) as a key path for `where()`. */
function pathOf(error: ErrorObject): (string | number)[] {
  return error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function messageOf(error: ErrorObject): string {
  const where = error.instancePath || '(document)';
  if (error.keyword === 'required') return `${where}: missing required property '${String(error.params.missingProperty)}'`;
  if (error.keyword === 'enum') return `${where}: must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  return `${where}: ${error.message ?? error.keyword}`;
}

/** The schema's objections to one rule document, each a RuleError at the node it names (first of each path). */
export function schemaErrors(rule: SigmaRule): RuleError[] {
  const validate = schemaValidators()[rule.kind];
  if (validate(rule.data)) return [];
  const seen = new Set<string>();
  const out: RuleError[] = [];
  // A oneOf of constants (level, status) fails once per constant: said once, with the values allowed.
  const constants = new Map<string, unknown[]>();
  for (const error of validate.errors ?? []) {
    if (error.keyword === 'const') constants.set(error.instancePath, [...(constants.get(error.instancePath) ?? []), error.params.allowedValue]);
  }
  for (const error of validate.errors ?? []) {
    // anyOf/if-then wrappers repeat what their branches said; the branch errors are the informative ones.
    if (error.keyword === 'anyOf' || error.keyword === 'if' || error.keyword === 'oneOf') continue;
    const allowed = constants.get(error.instancePath);
    const text = error.keyword === 'const' && allowed
      ? `${error.instancePath}: must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
      : messageOf(error);
    if (seen.has(text)) continue;
    seen.add(text);
    const { line, col } = rule.where(pathOf(error));
    out.push(new RuleError(rule.file, line, col, `Sigma ${rule.kind} schema: ${text}`));
  }
  return out;
}
