/**
 * `npm run build`'s second step, after tsc: the command line as one script with V8's code for it (src/cli/bundle.ts
 * runs them; README, Start-up, says what it saves). Writes into dist/cli/:
 * - cli.bundle.cjs: tsc's dist/cli/cli.js and everything it imports, dependencies included, as one CommonJS script
 *   (vm.Script takes no ES module; a code cache needs vm.Script on Node 20). Each command's run module is still
 *   evaluated only when that command runs; cli.ts also exports a shard's reader, which the scan worker
 *   (dist/cli/scan-worker.js, started by threads.ts) runs from this bundle. Left out, loaded as before when needed:
 *   the packages src/lazy.ts requires on first use. No `import()`
 *   is left in the bundle: Node 20 loses a vm.Script's dynamic-import callback when it is compiled from a cache.
 * - cli.help-layout.cjs: yargs' help layout (cliui, string-width), required on first use. Only help and usage text
 *   are laid out, and string-width costs ~30 ms where it is merely loaded (parsing its `\p{RGI_Emoji}` regular
 *   expression, starting its Intl.Segmenter).
 * - cli.bundle.cache: the code V8 compiled for the bundle while it ran a few commands (scripts/code-cache.mjs).
 * The rest of dist/ (the library, dist/index.js) is tsc's output, untouched.
 *
 * The bundle keeps the modules' semantics: it runs in strict mode, as ES modules do (and as the CommonJS packages
 * bundled ask for: checked below), and `import.meta.url` means what it did before bundling: in tsc's modules the
 * module's URL in dist/ (so `../package.json`, `../../rules/`, `./scan-worker.js` name the same files), in yargs'
 * Node shim its URL in the installed yargs package, whose `locales/` give messages in the user's language.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, readFile, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const OUT = join(DIST, 'cli');
const BUNDLE = join(OUT, 'cli.bundle.cjs');
const CACHE = join(OUT, 'cli.bundle.cache');
const HELP_LAYOUT = 'cli.help-layout.cjs';
const posix = (path) => path.split(sep).join('/');
const inDist = (path) => path.startsWith(DIST + sep);

// A failed build must not leave a cache beside a bundle it was not recorded for.
for (const file of [BUNDLE, CACHE, join(OUT, HELP_LAYOUT)]) await rm(file, { force: true });

/**
 * `import.meta` as each bundled module knew it (see above). `import.meta.resolve`, in yargs' `extends` for config
 * files (never reached: dicomwatch reads no yargs config), becomes the bundle's require.resolve.
 */
const keepImportMeta = {
  name: 'keep-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.m?js$/ }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta')) return undefined;
      if (text.includes('import.meta.url')) text = text.replaceAll('import.meta.url', importMetaUrl(args.path));
      text = text.replaceAll('import.meta.resolve(', '__bundleRequire.resolve(');
      if (text.includes('import.meta')) throw new Error(`${args.path}: uses import.meta beyond .url and .resolve`);
      return { contents: text, loader: 'js' };
    });
  },
};

function importMetaUrl(path) {
  if (inDist(path)) return `new URL(${JSON.stringify(posix(relative(OUT, path)))}, __bundleUrl).href`;
  const file = posix(path);
  if (/\/node_modules\/yargs\/lib\/platform-shims\/esm\.mjs$/.test(file)) return '__yargsShimUrl';
  // Builds a require for the config files yargs' `.config()` names, by absolute path (dicomwatch names none).
  if (/\/node_modules\/yargs-parser\/build\/lib\/index\.js$/.test(file)) return '__bundleUrl';
  throw new Error(`${path}: uses import.meta.url; decide what it must mean in the bundle (scripts/bundle-cli.mjs)`);
}

/**
 * Where yargs' shim is in the yargs package Node resolves from dist/cli/: the package's own node_modules/yargs when
 * there is one (found with a stat, where resolving takes ~2 ms), else wherever require.resolve finds it.
 */
const YARGS_SHIM_URL = `const __yargsShimUrl = (() => {
  const own = new URL('../../node_modules/yargs/lib/platform-shims/esm.mjs', __bundleUrl);
  if (require('node:fs').existsSync(own)) return own.href;
  return new URL('./lib/platform-shims/esm.mjs', require('node:url').pathToFileURL(require.resolve('yargs'))).href;
})();`;

/** yargs' shim's layout imports, each a function that requires HELP_LAYOUT on its first call. */
const deferHelpLayout = {
  name: 'defer-help-layout',
  setup(build) {
    build.onResolve({ filter: /^(cliui|string-width)$/ }, (args) =>
      /[/\\]yargs[/\\]lib[/\\]platform-shims[/\\]/.test(args.importer) ? { path: args.path, namespace: 'help-layout' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'help-layout' }, (args) => ({
      contents: [
        'let layout;',
        `export default function ${args.path === 'cliui' ? 'cliui' : 'stringWidth'}(...args) {`,
        `  layout ??= require('./${HELP_LAYOUT}');`,
        `  return layout[${JSON.stringify(args.path)}](...args);`,
        '}',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

const common = { absWorkingDir: ROOT, bundle: true, format: 'cjs', platform: 'node', target: 'esnext', logLevel: 'warning', logOverride: { 'empty-import-meta': 'error' } };

// The help layout, resolved from yargs' package as its shim resolves it.
await esbuild.build({
  ...common,
  stdin: {
    contents: `export { default as cliui } from 'cliui';\nexport { default as 'string-width' } from 'string-width';`,
    resolveDir: fileURLToPath(new URL('.', import.meta.resolve('yargs'))),
    sourcefile: 'help-layout.js',
  },
  banner: { js: "'use strict';" },
  outfile: join(OUT, HELP_LAYOUT),
});

const result = await esbuild.build({
  ...common,
  entryPoints: [join(OUT, 'cli.js')],
  outfile: BUNDLE,
  // Line 1 names this build (a cache is only used for its own build: bundle.ts). The rest is the body of a function
  // as Node wraps a CommonJS module in one, so bundle.ts compiles the file as it is; strict mode, as for ES
  // modules; the bundle's require and URL under names no bundled module declares (yargs' shim has a `require`).
  banner: {
    js: [
      `// dicomwatch CLI bundle ${randomUUID()}`,
      '(function (exports, require, module, __filename, __dirname) {',
      "'use strict';",
      'const __bundleRequire = require;',
      "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;",
      YARGS_SHIM_URL,
    ].join('\n'),
  },
  footer: { js: '})' },
  // Comments and indentation are a third of the text, which every run reads; names are kept.
  minifyWhitespace: true,
  sourcemap: true,
  external: [`./${HELP_LAYOUT}`],
  metafile: true,
  plugins: [keepImportMeta, deferHelpLayout],
});

// bundle.ts reads the bundle as Latin-1, the fastest way to a string, which is right for ASCII text only.
const bytes = await readFile(BUNDLE);
const nonAscii = bytes.findIndex((b) => b > 0x7f);
if (nonAscii >= 0) throw new Error(`${BUNDLE}: a byte above 0x7f at ${nonAscii}; bundle.ts reads the bundle as ASCII`);

for (const output of Object.values(result.metafile.outputs)) {
  const dynamic = output.imports.filter((i) => i.kind === 'dynamic-import');
  if (dynamic.length > 0) throw new Error(`the bundle would import() ${dynamic.map((i) => i.path).join(', ')} (see above)`);
}
for (const [path, input] of Object.entries(result.metafile.inputs)) {
  if (input.format !== 'cjs') continue;
  const text = await readFile(join(ROOT, path), 'utf8');
  if (!/^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*['"]use strict['"]/.test(text)) {
    throw new Error(`${path}: a CommonJS module written for sloppy mode; the bundle runs in strict mode`);
  }
}

// The code cache, recorded by a process of its own (the commands it runs set exit codes and listeners). Should a
// command fail there, the build goes on without a cache (the CLI only starts slower; test/bundle.test.ts fails).
try {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'code-cache.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
} catch (e) {
  process.stderr.write(`${e.stderr ?? ''}bundle-cli: no code cache recorded (${e.message.split('\n')[0]}): the CLI will start slower\n`);
}

// The package's bin (package.json): tsc writes it without the executable bit, which `npx dicomwatch` in a checkout
// needs (npm sets it only when it installs the package from a tarball).
await chmod(join(ROOT, 'dist', 'cli', 'main.js'), 0o755);
