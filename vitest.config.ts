import { defineConfig } from "vitest/config";

/** Test files that start the machine's one pcscd (devices/testing/pcscd.ts): run one after the other, after the rest. */
const PCSCD_FILES = ["devices/pcsc.integration.test.ts", "certification-tests/tut/tut.integration.test.ts"];

export default defineConfig({
  test: {
    pool: "forks",
    testTimeout: 30000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
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
            "layout.test.ts",
          ],
          exclude: PCSCD_FILES,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "pcscd",
          include: PCSCD_FILES,
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
