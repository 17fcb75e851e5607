/**
 * Loading Sigma YAML (detection and correlation rules, several per file) with positions kept, so every error
 * points into the rule file. Parsed as YAML 1.2 by the `yaml` package; duplicate keys are errors.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { readWhole } from '../io/reader.js';
import { join } from 'node:path';
import { isMap, isScalar, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { readFailure, RuleError, RulesPathError } from './errors.js';

export interface SigmaDoc {
  /** The document as plain data (what the Sigma emitter writes back, after options). */
  data: Record<string, unknown>;
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  /** Line/column of a key path in the file (the value's node), for messages. */
  where(path: readonly (string | number)[]): { line?: number; col?: number };
  /** Line/column of the key itself for a path ending in a mapping key (`src_ip|cidrr` in a search); else `where`. */
  whereKey?(path: readonly (string | number)[]): { line?: number; col?: number };
}

export interface SigmaDetection extends SigmaDoc {
  kind: 'detection';
}

export interface SigmaCorrelation extends SigmaDoc {
  kind: 'correlation';
}

export type SigmaRule = SigmaDetection | SigmaCorrelation;

export function ruleError(doc: Pick<SigmaDoc, 'file' | 'where'>, path: readonly (string | number)[], message: string): RuleError {
  const { line, col } = doc.where(path);
  return new RuleError(doc.file, line, col, message);
}

/** Rules read from text or disk, with every problem met on the way (for `check`, which reports them all). */
export interface SigmaReading {
  rules: SigmaRule[];
  /** YAML errors and documents of unknown kind (RuleError), files that cannot be read (RulesPathError). */
  errors: (RuleError | RulesPathError)[];
}

/**
 * Parse the Sigma documents of one YAML text, collecting problems: the first YAML error of each document (later
 * ones are usually its echo), and documents that are neither a detection nor a correlation. A broken document
 * does not stop the ones after it.
 */
export function readSigmaText(text: string, file: string): SigmaReading {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(docs)) return { rules: [], errors: [new RuleError(file, undefined, undefined, 'not a YAML document stream')] };
  const rules: SigmaRule[] = [];
  const errors: RuleError[] = [];
  docs.forEach((doc: Document.Parsed, index) => {
    const problem = doc.errors[0];
    if (problem) {
      const { line, col } = lineCounter.linePos(problem.pos[0]);
      errors.push(new RuleError(file, line, col, `YAML: ${problem.message.split('\n')[0]}`));
      return;
    }
    if (doc.contents === null) return; // an empty document (e.g. a trailing `---`)
    const where = (path: readonly (string | number)[]): { line?: number; col?: number } => {
      for (let p = [...path]; ; p = p.slice(0, -1)) {
        const node = p.length === 0 ? doc.contents : doc.getIn(p, true);
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        if (range) return lineCounter.linePos(range[0]);
        if (p.length === 0) return {};
      }
    };
    const whereKey = (path: readonly (string | number)[]): { line?: number; col?: number } => {
      const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
      const last = path.at(-1);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last);
        const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
        if (range) return lineCounter.linePos(range[0]);
      }
      return where(path);
    };
    if (!isMap(doc.contents)) {
      errors.push(new RuleError(file, where([]).line, undefined, `document ${index + 1} is not a mapping`));
      return;
    }
    const data = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    const base = { data, file, index, where, whereKey };
    if ('correlation' in data) rules.push({ ...base, kind: 'correlation' });
    else if ('detection' in data) rules.push({ ...base, kind: 'detection' });
    else if ('filter' in data) errors.push(ruleError(base, ['filter'], 'Sigma global filters are not supported yet'));
    else errors.push(ruleError(base, [], `document ${index + 1} has neither 'detection' nor 'correlation'`));
  });
  return { rules, errors };
}

/** Parse the Sigma documents of one YAML text. Throws the first RuleError (YAML errors, documents of unknown kind). */
export function parseSigmaText(text: string, file: string): SigmaRule[] {
  return rulesOrFirstError(readSigmaText(text, file));
}

/**
 * Read rules from a file, or from every *.yml / *.yaml under a directory (sorted, recursive), collecting problems:
 * a path or file that cannot be read is a RulesPathError with its errno code, and the other files are still read.
 */
export async function readSigmaRules(path: string): Promise<SigmaReading & { files: string[] }> {
  const files: string[] = [];
  const errors: SigmaReading['errors'] = [];
  await collectRuleFiles(path, files, errors);
  const rules: SigmaRule[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = (await readWhole(file)).toString('utf8');
    } catch (e) {
      errors.push(rulesPathError(file, e));
      continue;
    }
    const reading = readSigmaText(text, file);
    for (const rule of reading.rules) rules.push(rule);
    for (const error of reading.errors) errors.push(error);
  }
  return { rules, errors, files };
}

/** Load rules from a file or directory (see readSigmaRules); throws the first problem. No files: no rules. */
export async function loadSigmaRules(path: string): Promise<SigmaRule[]> {
  return rulesOrFirstError(await readSigmaRules(path));
}

function rulesOrFirstError(reading: SigmaReading): SigmaRule[] {
  if (reading.errors.length > 0) throw reading.errors[0];
  return reading.rules;
}

/** A read failure as a RulesPathError; anything else (a bug) is thrown as it is. */
function rulesPathError(path: string, e: unknown): RulesPathError {
  const failure = readFailure(path, e);
  if (failure instanceof RulesPathError) return failure;
  throw failure;
}

async function collectRuleFiles(path: string, files: string[], errors: SigmaReading['errors']): Promise<void> {
  let entries: Dirent[];
  try {
    if (!(await stat(path)).isDirectory()) {
      files.push(path);
      return;
    }
    entries = await readdir(path, { withFileTypes: true });
  } catch (e) {
    errors.push(rulesPathError(path, e));
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) await collectRuleFiles(full, files, errors);
    else if (/\.ya?ml$/i.test(entry.name)) files.push(full);
  }
}
