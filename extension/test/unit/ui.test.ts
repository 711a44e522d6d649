import { test } from "node:test";
import assert from "node:assert/strict";
import { isCleanExitMessage, ReportsByFile, rulePickItems } from "../../src/ui";

test("status bar: only the active file's own last probe", () => {
  const reports = new ReportsByFile<{ verdict: string }>();
  assert.equal(reports.get("file:///a.py"), undefined); // never probed: nothing to show
  reports.set("file:///a.py", { verdict: "does_not_learn" });
  assert.deepEqual(reports.get("file:///a.py"), { verdict: "does_not_learn" });
  assert.equal(reports.get("file:///b.py"), undefined); // another file shows no verdict
  assert.equal(reports.get(undefined), undefined); // no active editor
  reports.set("file:///a.py", { verdict: "learns" }); // a second run replaces the first
  assert.equal(reports.get("file:///a.py")?.verdict, "learns");
  reports.clear(); // server restart
  assert.equal(reports.get("file:///a.py"), undefined);
  assert.equal(reports.size, 0);
});

test("Explain picker lists every rule with its title, reported ones first", () => {
  const rules = [
    { id: "LRN101", title: "Saturating hidden activation", summary: "sigmoid/tanh in hidden layers" },
    { id: "LRN301", title: "Learning rate too high", summary: "" },
    { id: "PRB001", title: "Does not fit a batch", summary: "The model does not fit one small batch." },
  ];
  const items = rulePickItems(rules, new Set(["LRN301"]));
  assert.deepEqual(
    items.map((i) => i.rule),
    ["LRN301", "LRN101", "PRB001"],
  );
  assert.equal(items[0].description, "Learning rate too high (in your files)");
  assert.equal(items[0].detail, undefined);
  assert.equal(items[1].label, "LRN101");
  assert.equal(items[1].description, "Saturating hidden activation");
  assert.equal(items[2].detail, "The model does not fit one small batch.");
  assert.deepEqual(
    rulePickItems(rules).map((i) => i.rule),
    ["LRN101", "LRN301", "PRB001"],
  );
});

test("a clean server exit is not an error", () => {
  assert.equal(isCleanExitMessage("Server process exited with code 0."), true);
  assert.equal(isCleanExitMessage("Server process exited with code 1."), false);
  assert.equal(isCleanExitMessage("Server process exited with code 10."), false);
  assert.equal(isCleanExitMessage("Server process exited with signal SIGKILL."), false);
});
