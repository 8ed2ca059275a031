import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@nightshift/source"] },
  ssr: { resolve: { conditions: ["@nightshift/source"] } },
  test: {
    include: [
      "libs/*/src/**/*.test.ts",
      "services/*/src/**/*.test.ts",
      "cli/src/**/*.test.ts",
      "bench/src/**/*.test.ts",
      "faults/src/**/*.test.ts",
      "deploy/src/**/*.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    globalSetup: ["scripts/vitest-global-setup.ts"],
    reporters: process.env.CI ? ["default"] : ["default"],
  },
});
