import { build, type BuildOptions, type Plugin } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(root, 'dist');

/** Lets bundled CommonJS dependencies `require` node built-ins from an ESM bundle. */
const banner = {
  js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
};

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  mainFields: ['module', 'main'],
  banner,
  logLevel: 'warning',
  legalComments: 'none',
};

/**
 * What a function needs of the whole route table, computed here once from it: the OpenAPI
 * document (`roster:openapi-document`) and the methods and paths alone (`roster:route-paths`,
 * for the 404/405 function). Their bundles carry the result as JSON instead of importing
 * every route's schemas (and converting them all) at each cold start.
 */
const routeTablePlugin: Plugin = {
  name: 'roster-route-table',
  setup(b) {
    b.onResolve({ filter: /^roster:(openapi-document|route-paths)$/ }, (args) => ({ path: args.path, namespace: 'roster' }));
    b.onLoad({ filter: /.*/, namespace: 'roster' }, async (args) => {
      const [{ openApiDocument }, { routes, deployedRoutes }] = await Promise.all([
        import('../lib/http/openapi'),
        import('../lib/http/routes'),
      ]);
      const data =
        args.path === 'roster:openapi-document' ? openApiDocument(routes) : deployedRoutes.map(({ method, path }) => ({ method, path }));
      return { contents: JSON.stringify(data), loader: 'json' };
    });
  },
};

/**
 * `@__PURE__` before every call and `new` a lib/ file makes at module scope (in a top-level
 * `const`'s initializer: its schemas, route declarations, lookup tables), so a bundle drops
 * the ones it never reads. zod marks its constructors `@__NO_SIDE_EFFECTS__`, but esbuild
 * honours that only inside the file that declares them, so without this every schema of a
 * route module stays in every function importing one route of it, with each credential
 * check and zod part the unused routes name.
 */
export function annotateModuleScope(source: string, file: string): string {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const starts = new Set<number>();
  const visit = (node: ts.Node): void => {
    // A function's or class's body does not run at import.
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) starts.add(node.getStart(sf));
    ts.forEachChild(node, visit);
  };
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const { initializer } of statement.declarationList.declarations) if (initializer) visit(initializer);
  }
  return [...starts].sort((a, b) => b - a).reduce((text, at) => `${text.slice(0, at)}/* @__PURE__ */ ${text.slice(at)}`, source);
}

/**
 * Whether a module's top level only declares (imports, exports, functions, classes, types,
 * `const`s): then importing it does nothing but compute those values. lib/zod.ts's
 * `config(en())` is such a statement, and the English messages it sets are needed wherever
 * zod is: a module like it keeps its effects.
 */
function onlyDeclares(source: string, file: string): boolean {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return sf.statements.every(
    (s) =>
      ts.isImportDeclaration(s) ||
      ts.isExportDeclaration(s) ||
      ts.isVariableStatement(s) ||
      ts.isFunctionDeclaration(s) ||
      ts.isClassDeclaration(s) ||
      ts.isInterfaceDeclaration(s) ||
      ts.isTypeAliasDeclaration(s) ||
      ts.isEnumDeclaration(s),
  );
}

/**
 * Tree-shaking of Roster's own modules (lib/) in the function bundles. A module whose top
 * level only declares is dropped when a bundle reaches it but reads none of it, as
 * `"sideEffects": false` lets a package's be, and its module-scope values are pure
 * (annotateModuleScope). Without it every route of a route module stays in each function
 * serving one of them, with the credential checks and schemas they name.
 */
const libTreeShaking: Plugin = {
  name: 'roster-lib-tree-shaking',
  setup(b) {
    const lib = join(root, 'lib') + sep;
    const declaresOnly = new Map<string, Promise<boolean>>();
    const sideEffectFree = (path: string) => {
      let known = declaresOnly.get(path);
      if (!known) declaresOnly.set(path, (known = readFile(path, 'utf8').then((text) => onlyDeclares(text, path))));
      return known;
    };
    b.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === libTreeShaking.name) return undefined;
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: libTreeShaking.name,
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      if (!resolved.path.startsWith(lib) || !resolved.path.endsWith('.ts')) return resolved;
      return (await sideEffectFree(resolved.path)) ? { ...resolved, sideEffects: false } : resolved;
    });
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (!args.path.startsWith(lib)) return undefined;
      return { contents: annotateModuleScope(await readFile(args.path, 'utf8'), args.path), loader: 'ts' };
    });
  },
};

/**
 * The options every Lambda bundle is built with (minified, SDK included, the credential
 * chain replaced, lib/ tree-shaken by module): the benchmark builds its DynamoDB-only
 * baseline with them too.
 */
export const functionBuildOptions = (): BuildOptions => ({
  ...common,
  minify: true,
  // Lambda hands every function its role's credentials in the environment.
  alias: { '@aws-sdk/credential-provider-node': join(root, 'infra/lambda/credentials.ts') },
  // A constant, spelled as one: esbuild counts reading a global's property as a possible side
  // effect, which would keep a schema bounded by it (and its route) in bundles that never use it.
  define: { 'Number.MAX_SAFE_INTEGER': String(Number.MAX_SAFE_INTEGER) },
  plugins: [libTreeShaking],
});

export interface BundleSize {
  fn: string;
  bytes: number;
  /** What each npm package (by name) contributes to the bundle's bytes, from the metafile. */
  packages: Record<string, number>;
}

/** The npm package a metafile input belongs to (`zod`, `@aws-sdk/lib-dynamodb`), or undefined for Roster's own files. */
const packageOf = (input: string): string | undefined => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];

/** Bundles each functions/*.ts on its own into `outDir` (or only measures them, `write: false`), by name. */
export async function bundleFunctions(outDir: string, { write = true } = {}): Promise<BundleSize[]> {
  const entries = (await readdir(join(root, 'functions'))).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'functions', f));
  const result = await build({
    ...functionBuildOptions(),
    entryPoints: entries,
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    write,
    plugins: [routeTablePlugin, ...functionBuildOptions().plugins!],
  });
  return Object.entries(result.metafile.outputs)
    .map(([file, out]) => {
      const packages: Record<string, number> = {};
      for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
        const name = packageOf(input);
        if (name) packages[name] = (packages[name] ?? 0) + bytesInOutput;
      }
      return { fn: basename(file, '.mjs'), bytes: out.bytes, packages };
    })
    .sort((a, b) => a.fn.localeCompare(b.fn));
}

/**
 * A DynamoDB-only function (one GetItem), bundled with the very options the functions are:
 * what a function's size is judged against (each may carry BUNDLE_ALLOWANCE_KB more), and
 * the benchmark's cold-start baseline. Written to `outfile` unless `write` is false; answers its bytes.
 */
export const BASELINE_SOURCE = [
  "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';",
  'const client = new DynamoDBClient(process.env.DYNAMODB_ENDPOINT ? { endpoint: process.env.DYNAMODB_ENDPOINT } : {});',
  'export const handler = async () => {',
  "  const { Item } = await client.send(new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { PK: { S: 'CLUSTER' }, SK: { S: 'META' } } }));",
  '  return { statusCode: 200, body: JSON.stringify(Item ?? null) };',
  '};',
  '',
].join('\n');

export async function bundleBaseline(outfile: string, { write = true } = {}): Promise<number> {
  const result = await build({
    ...functionBuildOptions(),
    stdin: { contents: BASELINE_SOURCE, resolveDir: root, loader: 'ts', sourcefile: 'baseline-entry.ts' },
    outfile,
    write,
    metafile: true,
  });
  return Object.values(result.metafile.outputs)[0]!.bytes;
}

/** What every function bundle may carry over the baseline's, the console's asset function aside (it serves the console). */
export const BUNDLE_ALLOWANCE_KB = 60;
export const BUNDLE_RULE_ASIDE = /^console$/;

/** The whole console's JavaScript, gzipped, may not pass this (issue #17). */
export const CONSOLE_JS_BUDGET_BYTES = 150 * 1024;

export interface ConsoleSize {
  /** The page's files under dist/console, by path. */
  files: string[];
  jsBytes: number;
  jsGzipBytes: number;
  cssGzipBytes: number;
}

/**
 * The console (console/, Preact with JSX) into `outDir/console`: one script and one
 * stylesheet under assets/ named by their content's hash, and index.html naming them,
 * which is the only file a browser must revalidate. Fails past the JavaScript budget.
 */
export async function buildConsole(outDir: string): Promise<ConsoleSize> {
  const dir = join(outDir, 'console');
  const src = join(root, 'console');
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: join(src, 'main.tsx') },
    outdir: dir,
    entryNames: 'assets/[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome111', 'firefox114', 'safari16.4'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) => relative(dir, join(root, f)).split('\\').join('/'));
  const icon = await readFile(join(src, 'icon.svg'));
  const iconName = `assets/icon-${createHash('sha256').update(icon).digest('hex').slice(0, 8).toUpperCase()}.svg`;
  await copyFile(join(src, 'icon.svg'), join(dir, iconName));
  const named: Record<string, string> = {
    'app.js': outputs.find((f) => f.endsWith('.js'))!,
    'app.css': outputs.find((f) => f.endsWith('.css'))!,
    'icon.svg': iconName,
  };
  const page = (await readFile(join(src, 'index.html'), 'utf8')).replace(/\{\{([\w.]+)\}\}/g, (_, name: string) => named[name]!);
  await writeFile(join(dir, 'index.html'), page);
  const gzipOf = async (files: string[]) =>
    (await Promise.all(files.map(async (f) => gzipSync(await readFile(join(dir, f)), { level: 9 }).length))).reduce((a, b) => a + b, 0);
  const js = outputs.filter((f) => f.endsWith('.js'));
  const size: ConsoleSize = {
    files: ['index.html', ...outputs, iconName].sort(),
    jsBytes: js.reduce((sum, f) => sum + result.metafile.outputs[relative(root, join(dir, f))]!.bytes, 0),
    jsGzipBytes: await gzipOf(js),
    cssGzipBytes: await gzipOf(outputs.filter((f) => f.endsWith('.css'))),
  };
  if (size.jsGzipBytes > CONSOLE_JS_BUDGET_BYTES) {
    throw new Error(`the console's JavaScript is ${size.jsGzipBytes} bytes gzipped, over its budget of ${CONSOLE_JS_BUDGET_BYTES}`);
  }
  await writeFile(join(outDir, 'console.json'), JSON.stringify(size, null, 2));
  return size;
}

/**
 * Bundles each functions/*.ts on its own (SDK included, minified) and the local runtime
 * into `outDir` (dist/ by default; test runs build into a directory of their own under
 * .roster/, inside the repo so the local runtime still resolves node_modules).
 */
export async function buildAll(outDir = DIST): Promise<{ functions: Omit<BundleSize, 'packages'>[]; console: ConsoleSize }> {
  const functionsDir = join(outDir, 'functions');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(functionsDir, { recursive: true });

  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  const [functions, agent, , , consoleSize] = await Promise.all([
    bundleFunctions(functionsDir),
    // roster/agent: what nodes embed, so small and with no dependency beyond Node's fetch.
    build({
      ...common,
      banner: {},
      entryPoints: [join(root, 'agent/index.ts')],
      outdir: join(outDir, 'agent'),
      outExtension: { '.js': '.mjs' },
      minify: true,
      sourcemap: 'linked',
      metafile: true,
    }),
    // rosterctl, the package's bin: no dependency, split so that `--version` loads one small file.
    build({
      ...common,
      banner: { js: '#!/usr/bin/env node' },
      entryPoints: { rosterctl: join(root, 'cli/main.ts') },
      outdir: join(outDir, 'cli'),
      outExtension: { '.js': '.mjs' },
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      minify: true,
      define: { ROSTER_VERSION: JSON.stringify(version) },
    }).then(() => chmod(join(outDir, 'cli', 'rosterctl.mjs'), 0o755)),
    build({
      ...common,
      entryPoints: [join(root, 'infra/local/start.ts')],
      outdir: join(outDir, 'local'),
      outExtension: { '.js': '.mjs' },
      // The local runtime runs from node_modules; only the Lambda bundles are self-contained.
      packages: 'external',
      sourcemap: 'linked',
    }),
    buildConsole(outDir),
  ]);

  const sizes = functions.map(({ fn, bytes }) => ({ fn, bytes }));
  const agentBytes = Object.entries(agent.metafile!.outputs).find(([file]) => file.endsWith('.mjs'))![1].bytes;
  await writeFile(join(outDir, 'sizes.json'), JSON.stringify(sizes, null, 2));
  await writeFile(join(outDir, 'agent', 'size.json'), JSON.stringify({ bytes: agentBytes }));
  return { functions: sizes, console: consoleSize };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { functions: sizes, console: ui } = await buildAll();
  const width = Math.max(...sizes.map((s) => s.fn.length));
  for (const { fn, bytes } of sizes) console.log(`  ${fn.padEnd(width)}  ${(bytes / 1024).toFixed(1).padStart(7)} KB`);
  console.log(`built ${sizes.length} functions into dist/functions`);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `built the console into dist/console: JavaScript ${kb(ui.jsBytes)} (${kb(ui.jsGzipBytes)} gzipped, budget ${kb(CONSOLE_JS_BUDGET_BYTES)}), CSS ${kb(ui.cssGzipBytes)} gzipped`,
  );
  // The agent's type declarations, for `import { Agent } from 'roster/agent'`.
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'agent/tsconfig.json')], { stdio: 'inherit' });
  console.log('built roster/agent into dist/agent');
}
