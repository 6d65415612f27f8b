import { defineConfig } from 'vitest/config';

// Four projects: fast unit tests, the runtimes' conformance vectors, integration tests against the real toolchain,
// and the browser test.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'electron/**/*.test.ts',
            'native-runtimes/typescript/**/*.test.ts',
            'platform/**/*.test.ts',
            'renderer/**/*.test.ts',
            'tests/unit/**/*.test.ts',
          ],
          exclude: [
            '**/*.int.test.ts',
            '**/node_modules/**',
            'native-runtimes/typescript/conformance.test.ts',
          ],
          testTimeout: 30_000,
        },
      },
      {
        // The reference against the conformance vectors, and the command the other runtimes ask it through: run by
        // native-runtimes/typescript/test.mjs (`npm run test:runtimes`), not twice by the unit tests.
        test: {
          name: 'conformance',
          include: [
            'native-runtimes/typescript/conformance.test.ts',
            'native-runtimes/conformance/**/*.test.ts',
          ],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', '**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['tests/setup/toolchain.ts'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/setup/toolchain.ts'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
