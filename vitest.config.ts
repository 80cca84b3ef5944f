import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "emv/**/*.test.ts",
      "kernel/**/*.test.ts",
      "transport/**/*.test.ts",
      "online/**/*.test.ts",
      "devices/**/*.test.ts",
      "emulator/**/*.test.ts",
      "serve/**/*.test.ts",
      "cli/**/*.test.ts",
      "certification-tests/**/*.test.ts",
      "fuzz/**/*.test.ts",
      "layout.test.ts",
    ],
    pool: "forks",
    testTimeout: 30000,
    // A beforeAll that starts pcscd may wait for another test file's pcscd (one per machine, devices/testing/pcscd.ts).
    hookTimeout: 150000,
  },
});
