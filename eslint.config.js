import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*'] }],
    },
  },
  {
    // Tests assert on parsed JSON bodies of many shapes.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['lib/compat/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*'] }] },
  },
);
