/**
 * Microsoft's Kusto parser (npm `@kusto/language-service-next`, the C# Kusto.Language compiled to JavaScript with
 * Bridge.NET) as a test oracle for emitted KQL: parse + semantic analysis against the table schemas in
 * test/data/kql-schemas/, the way ../shared/tools/kql-check does it.
 *
 * The package has no JS exports: `bridge.js` defines the .NET runtime globals (`Bridge`, `System`) and
 * `Kusto.Language.Bridge.js` the global `Kusto`. They are loaded once per process (first call), and the globals for a
 * schema are built once per schema name.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'kql-schemas');

export interface KqlDiagnostic {
  severity: string;
  code: string;
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
}

export interface KqlAnalysis {
  diagnostics: KqlDiagnostic[];
  /** The query's result schema as `Name:type` (empty when Kusto cannot compute one). */
  resultColumns: string[];
}

export interface AnalyzeOptions {
  /** Also run Kusto.Language's analyzers (KS5xx performance/correctness hints). Default true. */
  analyzers?: boolean;
  /** Also run KQLCHECK001 (string vs number/datetime/timespan in == != in !in). Default true. */
  extra?: boolean;
}

// The Bridge.NET objects are untyped from here; these are the few members used.
type Any = any;

let loaded: { Kusto: Any; Bridge: Any } | undefined;

function kusto(): { Kusto: Any; Bridge: Any } {
  if (loaded === undefined) {
    require('@kusto/language-service-next/bridge.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.js');
    const g = globalThis as Any;
    if (!g.Kusto?.Language?.KustoCode) throw new Error('Kusto.Language did not load');
    loaded = { Kusto: g.Kusto, Bridge: g.Bridge };
  }
  return loaded;
}

interface SchemaColumn {
  name: string;
  type: string;
}
interface SchemaFile {
  tables?: { name: string; columns: SchemaColumn[] }[];
  functions?: { name: string; parameters?: { name: string; type: string; default?: string }[]; columns?: SchemaColumn[]; body?: string }[];
}

/** The schema file test/data/kql-schemas/<name>.json, parsed. */
export function readKqlSchema(name: string): SchemaFile {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`bad schema name ${JSON.stringify(name)}`);
  return JSON.parse(readFileSync(join(SCHEMA_DIR, `${name}.json`), 'utf8')) as SchemaFile;
}

const TYPE_ALIASES: Readonly<Record<string, string>> = {
  bigint: 'long', int64: 'long', int32: 'int', integer: 'int', float: 'real', double: 'real', boolean: 'bool',
  uniqueid: 'guid', date: 'datetime', time: 'timespan',
};

function typeName(raw: string): string {
  const t = raw.trim().toLowerCase();
  return TYPE_ALIASES[t] ?? t;
}

const quote = (name: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `['${name.replace(/'/g, "\\'")}']`);

const globalsBySchema = new Map<string, Any>();

function globalsFor(schemaName: string): Any {
  const cached = globalsBySchema.get(schemaName);
  if (cached !== undefined) return cached;
  const { Kusto } = kusto();
  const S = Kusto.Language.Symbols;
  const doc = readKqlSchema(schemaName);
  const columns = (cols: SchemaColumn[], where: string) =>
    cols.map((c) => {
      const type = S.ScalarTypes.GetSymbol(typeName(c.type));
      if (!type) throw new Error(`${where}.${c.name}: unknown type ${c.type}`);
      return new S.ColumnSymbol(c.name, type, null);
    });
  const members: Any[] = [];
  for (const t of doc.tables ?? []) {
    // TableSymbol(name, IEnumerable<ColumnSymbol>, description) is $ctor6 in the Bridge build
    members.push(new S.TableSymbol.$ctor6(t.name, columns(t.columns, t.name), ''));
  }
  for (const f of doc.functions ?? []) {
    const params = (f.parameters ?? []).map(
      (p) => `${quote(p.name)}:${typeName(p.type)}` + (p.default !== undefined ? `=${p.default}` : ''),
    );
    const body =
      f.body ?? `{ datatable(${(f.columns ?? []).map((c) => `${quote(c.name)}:${typeName(c.type)}`).join(', ')})[] }`;
    // FunctionSymbol(name, parameter list text, body text, description) is $ctor16
    members.push(new S.FunctionSymbol.$ctor16(f.name, `(${params.join(', ')})`, body, ''));
  }
  const db = new S.DatabaseSymbol.ctor('SentinelWorkspace', members);
  const globals = Kusto.Language.GlobalState.Default.WithDatabase(db);
  globalsBySchema.set(schemaName, globals);
  return globals;
}

// KQLCHECK001 (from kql-check): Kusto.Language 12.4.1 does not report a string compared with a number, datetime or
// timespan by == != in !in (it does for < <= > >= =~ !~ ..., as KS106/KS107), but the Kusto service rejects it, and
// an emitter writing `DestinationPort == "104"` is a real bug.
const TYPE_CLASS: Readonly<Record<string, string>> = {
  int: 'number', long: 'number', real: 'number', decimal: 'number', string: 'string', datetime: 'datetime',
  timespan: 'timespan',
};
const COMPARISONS = new Set(['==', '!=', 'in', '!in']);

function mismatchedComparisons(code: Any): { code: string; message: string; start: number }[] {
  const { Kusto, Bridge } = kusto();
  const Syn = Kusto.Language.Syntax;
  const found: { code: string; message: string; start: number }[] = [];
  const check = (node: Any, left: Any, right: Any) => {
    const a = TYPE_CLASS[left?.ResultType?.Name ?? ''];
    const b = TYPE_CLASS[right?.ResultType?.Name ?? ''];
    if (a && b && a !== b && (a === 'string' || b === 'string')) {
      found.push({
        code: 'KQLCHECK001',
        message: `Cannot compare values of types ${left.ResultType.Name} and ${right.ResultType.Name} (operator '${node.Operator.Text}')`,
        start: node.TextStart,
      });
    }
  };
  Syn.SyntaxElement.WalkNodes(code.Syntax, (node: Any) => {
    const op = node?.Operator?.Text;
    if (!COMPARISONS.has(op)) return;
    if (node instanceof Syn.BinaryExpression) check(node, node.Left, node.Right);
    else if (node instanceof Syn.InExpression) {
      for (const item of Bridge.toArray(node.Right?.Expressions ?? [])) check(node, node.Left, (item as Any).Element);
    }
  });
  return found;
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}

/**
 * Parse and analyse `query` against test/data/kql-schemas/<schemaName>.json. Returns every diagnostic (Kusto's own,
 * its analyzers' unless turned off, and KQLCHECK001) with 1-based positions, and the result columns.
 */
export function analyzeKql(query: string, schemaName: string, options: AnalyzeOptions = {}): KqlAnalysis {
  const { Kusto, Bridge } = kusto();
  const code = Kusto.Language.KustoCode.ParseAndAnalyze(query, globalsFor(schemaName));
  const raw: { severity: string; code: string; message: string; start: number }[] = [];
  for (const d of Bridge.toArray(code.GetDiagnostics()) as Any[]) {
    raw.push({ severity: d.Severity, code: d.Code, message: d.Message, start: d.HasLocation ? d.Start : 0 });
  }
  if (options.analyzers ?? true) {
    const service = new Kusto.Language.Editor.KustoCodeService.ctor(code);
    for (const d of Bridge.toArray(service.GetAnalyzerDiagnostics(true)) as Any[]) {
      raw.push({ severity: d.Severity, code: d.Code, message: d.Message, start: d.HasLocation ? d.Start : 0 });
    }
  }
  if (options.extra ?? true) {
    for (const d of mismatchedComparisons(code)) raw.push({ severity: 'Error', ...d });
  }
  const diagnostics = raw
    .sort((a, b) => a.start - b.start || a.code.localeCompare(b.code))
    .map(({ start, ...d }) => ({ ...d, ...lineCol(query, start) }));
  const columns = code.ResultType?.Columns ? (Bridge.toArray(code.ResultType.Columns) as Any[]) : [];
  return { diagnostics, resultColumns: columns.map((c) => `${c.Name}:${c.Type?.Name ?? '?'}`) };
}
