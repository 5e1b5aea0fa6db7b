import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A throwaway PostgreSQL for the tests that run on both databases.
    globalSetup: ['./test/setup/postgres.ts'],
  },
});
