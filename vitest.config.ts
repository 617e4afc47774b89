import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "core/**/*.test.ts",
      "functions/**/*.test.ts",
      "connector/**/*.test.ts",
      "test/**/*.test.ts",
      "cli/**/*.test.ts",
    ],
    globalSetup: ["test/setup/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
