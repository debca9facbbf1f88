import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layers: arrows run functions → http → capabilities → compat and store (docs/architecture.md).
// Each entry names what a folder may not import; the linter test proves a violation fails.
const capabilities = ['cluster', 'leases', 'drain', 'autopilot', 'identity', 'clients', 'system', 'audit'];
const ban = {
  sdk: { group: ['@aws-sdk/*', '@smithy/*'], message: 'Only repositories, lib/store and infra/ touch the AWS SDK.' },
  http: { group: ['**/http', '**/http/**'], message: 'Capabilities and the store never import lib/http: they return data.' },
  functions: { group: ['**/functions/**'], message: 'Nothing imports an entry point.' },
  local: { group: ['**/infra/local/**', '**/local/*'], message: 'Deployed code never imports the local runtime.' },
  outside: { group: ['../*', '!./*', '@*/*', 'zod', 'jose'], message: 'roster/agent depends on nothing beyond Node: nodes embed it.' },
  cli: { group: ['../*', '!./*', '@*/*', 'zod', 'jose'], message: 'rosterctl depends on nothing beyond Node: it must start fast.' },
  browser: {
    group: ['../*', 'node:*', '@*/*', 'zod', 'jose'],
    message: 'The console runs in a browser and speaks only HTTP: Preact and its own files.',
  },
  capabilities: {
    group: capabilities.flatMap((c) => [`**/${c}/**`, `../${c}`]),
    message: 'The store and the wire formats sit below the capabilities.',
  },
  // Capabilities in their order: autopilot → drain → leases, cluster; a lower one never calls up.
  drain: { group: ['**/drain/**', '../drain'], message: 'Leases and cluster sit below drain: drain calls them, never the reverse.' },
  autopilot: { group: ['**/autopilot/**', '../autopilot'], message: 'Autopilot sits above the capabilities it drives.' },
  others: {
    group: capabilities.filter((c) => c !== 'clients').flatMap((c) => [`**/${c}/**`, `../${c}`]),
    message: 'Clients stand alone: the registry needs no other capability.',
  },
  // The member store (lib/cluster/member*.ts and the item stores beside it) sits below every use case.
  useCases: {
    group: [
      ...['leases', 'drain', 'autopilot', 'identity', 'clients', 'system'].flatMap((c) => [`**/${c}/**`, `../${c}`]),
      ...['members', 'join', 'sensu', 'heartbeat', 'leader', 'leases', 'refusals', 'views', 'cockroach-nodes'].map((m) => `./${m}`),
    ],
    message: 'The member store sits below the use cases: it returns outcomes and imports none of them.',
  },
};
/** Deployed code takes zod/mini through lib/zod.ts: classic zod's API is ~60 KB more in every bundle. */
const zodThroughLib = {
  selector: 'ImportDeclaration[source.value=/^zod/]',
  message: 'Import zod from lib/zod.ts (zod/mini, with the English messages).',
};
const layer = (files, ...banned) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: banned.map((b) => ban[b]) }] },
});

// zod 4's `z` export defeats tree-shaking: `import * as z` keeps 360 KB out of every bundle.
const zodImport = {
  selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
  message: "Use `import * as z from 'zod'`.",
};
// One owner per item: the member item's key is spelled only by the member store.
const memberKey = {
  selector: "MemberExpression[object.name='keys'][property.name='member']",
  message: 'Only the member store (lib/cluster/member*.ts) reads or writes the member item: use its functions or member-parts.ts.',
};
const memberStore = ['lib/cluster/member.ts', 'lib/cluster/member-*.ts'];

export default tseslint.config(
  { ignores: ['dist/**', '.roster/**', '.serverless/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      'no-restricted-syntax': ['error', zodImport],
    },
  },
  {
    files: ['lib/**/*.ts'],
    ignores: [...memberStore, 'lib/store/**', 'lib/zod.ts'],
    rules: { 'no-restricted-syntax': ['error', zodImport, memberKey, zodThroughLib] },
  },
  {
    // The member store (and the store beneath it) may spell the member key; zod still comes through lib/zod.ts.
    files: [...memberStore, 'lib/store/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', zodImport, zodThroughLib] },
  },
  {
    files: ['functions/**/*.ts'],
    rules: {
      // Handlers only wire a route to lib/: errors are mapped by the shared chain.
      'no-restricted-syntax': [
        'error',
        zodImport,
        memberKey,
        { selector: 'TryStatement', message: 'No try/catch in handlers: throw a DomainError and let the chain map it.' },
        zodThroughLib,
      ],
    },
  },
  layer(['functions/**/*.ts'], 'sdk', 'local'),
  layer(['lib/http/**/*.ts', 'lib/*.ts'], 'functions', 'local'),
  layer([`lib/{${capabilities.join(',')}}/**/*.ts`], 'http', 'functions', 'local'),
  layer(['lib/{leases,cluster}/**/*.ts'], 'http', 'functions', 'local', 'drain', 'autopilot'),
  layer(['lib/drain/**/*.ts'], 'http', 'functions', 'local', 'autopilot'),
  layer(['lib/clients/**/*.ts'], 'http', 'functions', 'local', 'others'),
  layer([...memberStore, 'lib/cluster/{join-token-store,leader-store,meta,peer-urls,rules}.ts'], 'http', 'functions', 'local', 'useCases'),
  layer(['lib/store/**/*.ts'], 'capabilities', 'http', 'functions', 'local'),
  layer(['agent/**/*.ts'], 'outside'),
  layer(['cli/**/*.ts'], 'cli'),
  layer(['console/**/*.{ts,tsx}'], 'browser'),
  layer(['lib/compat/**/*.ts'], 'sdk', 'capabilities', 'http', 'functions', 'local'),
  {
    // Tests assert on parsed JSON bodies of many shapes.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
