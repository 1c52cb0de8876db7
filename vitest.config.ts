import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // e2e and kube tests drive real processes (pulumi, kube-apiserver); keep runs
    // bounded on a 2-core machine while still overlapping independent files.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    // The built package (dist/, reached through node_modules/pulumi-fulfillment) is plain
    // CommonJS, loaded by Node as a user's program would load it.
    server: { deps: { external: [/\/dist\//] } },
    hookTimeout: 120_000,
    reporters: ["default", "json"],
    outputFile: { json: ".vitest/results.json" },
  },
});
