import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests that start real processes (tsx, npm start) take seconds on a busy two-core machine;
    // 5 s timed them out under load. This bounds a hang, it measures nothing.
    testTimeout: 30_000,
    // A throwaway PostgreSQL for the tests that run on both databases.
    globalSetup: ['./test/setup/postgres.ts'],
  },
});
