import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The report's TypeScript types (src/generated/probeReport.ts) are generated from
// schemas/probe-report.schema.json, itself generated from the server's types (tests/test_report_schema.py
// checks that one): a change on the server that is not regenerated here fails this test.
const ROOT = join(__dirname, "../../../..");
const GEN = join(ROOT, "scripts", "gen_report_types.mjs");

test("the generated report types are current with the report schema", () => {
  const run = spawnSync(process.execPath, [GEN, "--check"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(run.status, 0, `${run.stderr}\nrun \`npm run gen:types\` and commit extension/src/generated/probeReport.ts`);
});

test("the check fails on a schema that changed, naming the command to run", () => {
  const schema = JSON.parse(readFileSync(join(ROOT, "schemas", "probe-report.schema.json"), "utf8"));
  schema.properties.summary = { type: "number" };
  const dir = mkdtempSync(join(tmpdir(), "learnability-gen-"));
  writeFileSync(join(dir, "probe-report.schema.json"), JSON.stringify(schema));
  copyFileSync(join(ROOT, "extension", "src", "generated", "probeReport.ts"), join(dir, "probeReport.ts"));
  const run = spawnSync(process.execPath, [GEN, "--check", "--schema", join(dir, "probe-report.schema.json"), "--out", join(dir, "probeReport.ts")], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /out of date: run `npm run gen:types`/);
});
