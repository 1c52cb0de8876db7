#!/usr/bin/env node
// Prints vitest's JSON results as the one closing line CI understands.
const fs = require("node:fs");
const file = process.argv[2];
if (!fs.existsSync(file)) {
  console.error(`no test results at ${file}: vitest did not finish`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const r = JSON.parse(fs.readFileSync(file, "utf8"));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
// A test file that fails to load counts as a failure even though it ran no test.
const failedSuites = (r.testResults ?? []).filter((s) => s.status === "failed" && (s.assertionResults ?? []).length === 0).length;
const failed = (r.numFailedTests ?? 0) + failedSuites;
console.log(`${r.numPassedTests ?? 0} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || (r.numPassedTests ?? 0) === 0 ? 1 : 0);
