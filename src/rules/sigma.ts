/**
 * Loading Sigma YAML (detection and correlation rules, several per file) with positions kept, so every error
 * points into the rule file. Parsed as YAML 1.2 by the `yaml` package; duplicate keys are errors.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { RuleError } from './errors.js';

export interface SigmaDoc {
  /** The document as plain data (what the Sigma emitter writes back, after options). */
  data: Record<string, unknown>;
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  /** Line/column of a key path in the file, for messages. */
  where(path: readonly (string | number)[]): { line?: number; col?: number };
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

/** Parse the Sigma documents of one YAML text. Throws RuleError on YAML errors or documents of unknown kind. */
export function parseSigmaText(text: string, file: string): SigmaRule[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(docs)) throw new RuleError(file, undefined, undefined, 'not a YAML document stream');
  const rules: SigmaRule[] = [];
  docs.forEach((doc: Document.Parsed, index) => {
    const problem = doc.errors[0];
    if (problem) {
      const { line, col } = lineCounter.linePos(problem.pos[0]);
      throw new RuleError(file, line, col, `YAML: ${problem.message.split('\n')[0]}`);
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
    if (!isMap(doc.contents)) {
      throw new RuleError(file, where([]).line, undefined, `document ${index + 1} is not a mapping`);
    }
    const data = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    const base = { data, file, index, where };
    if ('correlation' in data) rules.push({ ...base, kind: 'correlation' });
    else if ('detection' in data) rules.push({ ...base, kind: 'detection' });
    else if ('filter' in data) throw ruleError(base, ['filter'], 'Sigma global filters are not supported yet');
    else throw ruleError(base, [], `document ${index + 1} has neither 'detection' nor 'correlation'`);
  });
  return rules;
}


/** Load rules from a file, or from every *.yml / *.yaml under a directory (sorted, recursive). */
export async function loadSigmaRules(path: string): Promise<SigmaRule[]> {
  const files = await ruleFiles(path);
  const rules: SigmaRule[] = [];
  for (const file of files) for (const rule of parseSigmaText(await readFile(file, 'utf8'), file)) rules.push(rule);
  return rules;
}

async function ruleFiles(path: string): Promise<string[]> {
  const st = await stat(path);
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) for (const file of await ruleFiles(full)) out.push(file);
    else if (/\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out;
}
