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
};
const layer = (files, ...banned) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: banned.map((b) => ban[b]) }] },
});

export default tseslint.config(
  { ignores: ['dist/**', '.roster/**', '.serverless/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      // zod 4's `z` export defeats tree-shaking: `import * as z` keeps 360 KB out of every bundle.
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "Use `import * as z from 'zod'`.",
        },
      ],
    },
  },
  {
    files: ['functions/**/*.ts'],
    rules: {
      // Handlers only wire a route to lib/: errors are mapped by the shared chain.
      'no-restricted-syntax': [
        'error',
        { selector: 'TryStatement', message: 'No try/catch in handlers: throw a DomainError and let the chain map it.' },
      ],
    },
  },
  layer(['functions/**/*.ts'], 'sdk', 'local'),
  layer(['lib/http/**/*.ts', 'lib/*.ts'], 'functions', 'local'),
  // lib/identity still returns HTTP replies: it leaves lib/http's reach in the core restructuring.
  layer([`lib/{${capabilities.filter((c) => c !== 'identity').join(',')}}/**/*.ts`], 'http', 'functions', 'local'),
  layer(['lib/identity/**/*.ts'], 'functions', 'local'),
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
