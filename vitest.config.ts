import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          sequence: { groupOrder: 0 },
          environment: 'node',
          env: { TOKEN_SECRET: 'unit-test-secret-that-is-long-enough-0123456789', PASSWORD_SCRYPT_LOG_N: '10' },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/contract/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          environment: 'node',
          // Builds dist/ and starts one DynamoDB Local for the whole run.
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file runs its own local runtime (own table, own port) in a child process.
          pool: 'forks',
          maxWorkers: 2,
        },
      },
    ],
  },
});
