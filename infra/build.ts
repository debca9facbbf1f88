import { build, type BuildOptions, type Plugin } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
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
 * The options every Lambda bundle is built with (minified, SDK included, the credential
 * chain replaced): the benchmark builds its DynamoDB-only baseline with them too.
 */
export const functionBuildOptions = (): BuildOptions => ({
  ...common,
  minify: true,
  // Lambda hands every function its role's credentials in the environment.
  alias: { '@aws-sdk/credential-provider-node': join(root, 'infra/lambda/credentials.ts') },
});

export interface BundleSize {
  fn: string;
  bytes: number;
}

/**
 * Bundles each functions/*.ts on its own (SDK included, minified) and the local runtime
 * into `outDir` (dist/ by default; test runs build into a directory of their own under
 * .roster/, inside the repo so the local runtime still resolves node_modules).
 */
export async function buildAll(outDir = DIST): Promise<BundleSize[]> {
  const functionsDir = join(outDir, 'functions');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(functionsDir, { recursive: true });
  const entries = (await readdir(join(root, 'functions'))).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'functions', f));

  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  const [functions, agent] = await Promise.all([
    build({
      ...functionBuildOptions(),
      entryPoints: entries,
      outdir: functionsDir,
      outExtension: { '.js': '.mjs' },
      metafile: true,
      plugins: [routeTablePlugin],
    }),
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
  ]);

  const sizes = Object.entries(functions.metafile!.outputs)
    .map(([file, out]) => ({ fn: basename(file, '.mjs'), bytes: out.bytes }))
    .sort((a, b) => a.fn.localeCompare(b.fn));
  const agentBytes = Object.entries(agent.metafile!.outputs).find(([file]) => file.endsWith('.mjs'))![1].bytes;
  await writeFile(join(outDir, 'sizes.json'), JSON.stringify(sizes, null, 2));
  await writeFile(join(outDir, 'agent', 'size.json'), JSON.stringify({ bytes: agentBytes }));
  return sizes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await buildAll();
  const width = Math.max(...sizes.map((s) => s.fn.length));
  for (const { fn, bytes } of sizes) console.log(`  ${fn.padEnd(width)}  ${(bytes / 1024).toFixed(1).padStart(7)} KB`);
  console.log(`built ${sizes.length} functions into dist/functions`);
  // The agent's type declarations, for `import { Agent } from 'roster/agent'`.
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'agent/tsconfig.json')], { stdio: 'inherit' });
  console.log('built roster/agent into dist/agent');
}
