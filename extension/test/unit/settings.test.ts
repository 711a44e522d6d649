import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DEFAULTS,
  KNOWN_THRESHOLDS,
  getterFromObject,
  ruleList,
  severityMap,
  thresholdMap,
  toServerSettings,
} from "../../src/settings";

test("defaults when nothing is set", () => {
  const s = toServerSettings(() => undefined, "/usr/bin/python3");
  assert.deepEqual(s, { ...DEFAULTS, interpreter: "/usr/bin/python3" });
});

test("VS Code settings map to the server contract", () => {
  const get = getterFromObject({
    select: ["lrn1", "LRN501"],
    ignore: ["lrn602"],
    thresholds: { lr_max_adaptive: 0.05, input_max_abs: "20" },
    severity: { lrn501: "error", LRN101: "information" },
    lintOn: "save",
    probe: { budgetSeconds: 5, timeoutSeconds: 60 },
    logLevel: "debug",
  });
  assert.deepEqual(toServerSettings(get, "/w/.venv/bin/python"), {
    select: ["LRN1", "LRN501"],
    ignore: ["LRN602"],
    thresholds: { lr_max_adaptive: 0.05, input_max_abs: 20 },
    severity: { LRN501: "error", LRN101: "info" },
    lintOn: "save",
    interpreter: "/w/.venv/bin/python",
    probe: { budgetSeconds: 5, timeoutSeconds: 60 },
    logLevel: "debug",
  });
});

test("flat dotted keys are read too (as WorkspaceConfiguration.get gives them)", () => {
  const get = getterFromObject({ "probe.budgetSeconds": 7 });
  assert.equal(toServerSettings(get, "").probe.budgetSeconds, 7);
});

test("bad values fall back to defaults and are reported", () => {
  const problems: string[] = [];
  const get = getterFromObject({
    select: "lrn1, lrn3 ,,",
    thresholds: { bogus: 1, lr_min: "x", dropout_max: 0.3 },
    severity: { LRN101: "fatal" },
    lintOn: "always",
    probe: { budgetSeconds: -3, timeoutSeconds: 1 },
    logLevel: "loud",
  });
  const s = toServerSettings(get, "", problems);
  assert.deepEqual(s.select, ["LRN1", "LRN3"]);
  assert.deepEqual(s.thresholds, { dropout_max: 0.3 });
  assert.deepEqual(s.severity, {});
  assert.equal(s.lintOn, "change");
  assert.equal(s.logLevel, "info");
  assert.equal(s.probe.budgetSeconds, DEFAULTS.probe.budgetSeconds);
  assert.equal(s.probe.timeoutSeconds, 5, "clamped to the minimum");
  assert.equal(problems.length, 3);
  assert.ok(problems.some((p) => p.includes("bogus")));
});

test("rule lists drop duplicates and non-strings", () => {
  assert.deepEqual(ruleList(["lrn1", "LRN1", 3, null, "lrn5,lrn6"]), ["LRN1", "LRN5", "LRN6"]);
  assert.deepEqual(ruleList(undefined), []);
  assert.deepEqual(thresholdMap([1, 2]), {});
  assert.deepEqual(severityMap("error"), {});
});

test("the settings object is JSON-serialisable as initializationOptions", () => {
  const s = toServerSettings(getterFromObject({ select: ["LRN1"] }), "/p");
  assert.deepEqual(JSON.parse(JSON.stringify({ settings: s })), { settings: s });
});

test("every threshold the server knows is accepted, with the server's defaults in package.json", () => {
  // package.json's schema and src/defaults.ts are generated from the Python side (scripts/gen_settings.py)
  const pkg = JSON.parse(readFileSync(join(__dirname, "../../../../package.json"), "utf8"));
  const props = pkg.contributes.configuration.properties;
  const schema = props["learnability.thresholds"].properties as Record<string, { default: number }>;
  assert.deepEqual(Object.keys(schema), [...KNOWN_THRESHOLDS]);
  for (const name of KNOWN_THRESHOLDS) {
    const problems: string[] = [];
    assert.deepEqual(thresholdMap({ [name]: schema[name].default / 2 }, problems), { [name]: schema[name].default / 2 });
    assert.deepEqual(problems, []);
  }
  assert.ok(KNOWN_THRESHOLDS.includes("lr_max_adagrad"));
  assert.equal(props["learnability.probe.budgetSeconds"].default, DEFAULTS.probe.budgetSeconds);
  assert.equal(props["learnability.probe.timeoutSeconds"].default, DEFAULTS.probe.timeoutSeconds);
  assert.equal(props["learnability.lintOn"].default, DEFAULTS.lintOn);
  assert.equal(props["learnability.logLevel"].default, DEFAULTS.logLevel);
});
