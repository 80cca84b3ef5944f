import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "kernel/**/*.test.ts",
      "transport/**/*.test.ts",
      "devices/**/*.test.ts",
      "emulator/**/*.test.ts",
      "cli/**/*.test.ts",
      "certification-tests/**/*.test.ts",
    ],
    pool: "forks",
    testTimeout: 30000,
  },
});
