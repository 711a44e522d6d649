import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chooseInterpreter,
  isInside,
  isSupportedVersion,
  parseVersion,
  resolveVariables,
  tensorflowInstallCommand,
  whichSync,
} from "../../src/interpreter";

const onPath = (table: Record<string, string>) => (cmd: string) => table[cmd];

test("the setting wins over the Python extension and PATH", () => {
  const r = chooseInterpreter({
    setting: "/opt/py/bin/python",
    pythonExtension: "/envs/a/bin/python",
    findOnPath: onPath({ python3: "/usr/bin/python3" }),
    platform: "linux",
  });
  assert.deepEqual(r, { ok: true, path: "/opt/py/bin/python", source: "setting" });
});

test("the Python extension's environment is used when the setting is empty", () => {
  const r = chooseInterpreter({
    setting: "  ",
    pythonExtension: "/envs/a/bin/python",
    findOnPath: onPath({ python3: "/usr/bin/python3" }),
    platform: "linux",
  });
  assert.deepEqual(r, { ok: true, path: "/envs/a/bin/python", source: "python-extension" });
});

test("python3 on PATH without setting or Python extension, then python", () => {
  assert.deepEqual(chooseInterpreter({ findOnPath: onPath({ python3: "/usr/bin/python3", python: "/usr/bin/python" }), platform: "linux" }), {
    ok: true,
    path: "/usr/bin/python3",
    source: "path",
  });
  assert.deepEqual(chooseInterpreter({ findOnPath: onPath({ python: "/usr/bin/python" }), platform: "linux" }), {
    ok: true,
    path: "/usr/bin/python",
    source: "path",
  });
});

test("a clear message when no Python is found", () => {
  const r = chooseInterpreter({ findOnPath: () => undefined, platform: "linux" });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.match(r.message, /No Python found/);
    assert.match(r.message, /learnability\.interpreter/);
    assert.match(r.message, /3\.10/);
  }
});

test("a bare command in the setting is looked up on PATH, and reported when missing", () => {
  assert.deepEqual(chooseInterpreter({ setting: "python3.12", findOnPath: onPath({ "python3.12": "/usr/bin/python3.12" }) }), {
    ok: true,
    path: "/usr/bin/python3.12",
    source: "setting",
  });
  const r = chooseInterpreter({ setting: "python9", findOnPath: () => undefined });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.message, /python9.*not found/);
});

test("relative settings resolve against the workspace; variables and ~ expand", () => {
  const r = chooseInterpreter({ setting: ".venv/bin/python", workspaceFolder: "/work/proj", findOnPath: () => undefined });
  assert.deepEqual(r, { ok: true, path: "/work/proj/.venv/bin/python", source: "setting" });
  const v = chooseInterpreter({ setting: "${workspaceFolder}/env/bin/python", workspaceFolder: "/w", findOnPath: () => undefined });
  assert.deepEqual(v, { ok: true, path: "/w/env/bin/python", source: "setting" });
  assert.equal(resolveVariables("~/venv/bin/python", { home: "/home/u" }), "/home/u/venv/bin/python");
  assert.equal(resolveVariables("${env:PYHOME}/bin/python", { env: { PYHOME: "/opt/p" } }), "/opt/p/bin/python");
  assert.equal(resolveVariables("${userHome}/x", { home: "/h" }), "/h/x");
});

test("whichSync walks PATH and honours the executable predicate", () => {
  const exec = new Set(["/b/python3"]);
  assert.equal(whichSync("python3", "/a:/b", (f) => exec.has(f), "linux"), "/b/python3");
  assert.equal(whichSync("python3", "/a", (f) => exec.has(f), "linux"), undefined);
  assert.equal(whichSync("/b/python3", "", (f) => exec.has(f), "linux"), "/b/python3");
  assert.equal(whichSync("python3", undefined, () => true, "linux"), undefined);
});

test("version parsing and the 3.10 minimum", () => {
  assert.deepEqual(parseVersion("3.11.7\n"), [3, 11, 7]);
  assert.deepEqual(parseVersion("Python 3.10"), [3, 10, 0]);
  assert.equal(parseVersion("garbage"), undefined);
  assert.equal(isSupportedVersion([3, 10, 0]), true);
  assert.equal(isSupportedVersion([3, 13, 1]), true);
  assert.equal(isSupportedVersion([3, 9, 18]), false);
  assert.equal(isSupportedVersion([2, 7, 18]), false);
  assert.equal(isSupportedVersion([4, 0, 0]), true);
  assert.equal(isSupportedVersion(undefined), false);
});

test("the TensorFlow install command names the probe's interpreter", () => {
  assert.equal(tensorflowInstallCommand("/w/.venv/bin/python"), "/w/.venv/bin/python -m pip install tensorflow");
  assert.equal(tensorflowInstallCommand("/my env/python"), '"/my env/python" -m pip install tensorflow');
});

test("an untrusted workspace never gets the Python extension's environment (it may be the folder's own .venv)", () => {
  const inputs = {
    pythonExtension: "/ws/.venv/bin/python",
    findOnPath: onPath({ python3: "/usr/bin/python3" }),
    workspaceFolder: "/ws",
    platform: "linux" as const,
  };
  assert.deepEqual(chooseInterpreter({ ...inputs, trusted: true }), { ok: true, path: "/ws/.venv/bin/python", source: "python-extension" });
  const r = chooseInterpreter({ ...inputs, trusted: false });
  assert.equal(r.ok && r.path, "/usr/bin/python3");
  assert.equal(r.ok && r.source, "path");
  assert.match(r.ok ? r.note ?? "" : "", /Python extension's environment \(\/ws\/\.venv\/bin\/python\) is not used in an untrusted workspace/);
  // also when it lies outside the workspace: the user chose it for trusted work, as with learnability.interpreter
  const outside = chooseInterpreter({ ...inputs, pythonExtension: "/opt/env/bin/python", trusted: false });
  assert.equal(outside.ok && outside.path, "/usr/bin/python3");
});

test("in an untrusted workspace a user setting that points into the workspace is not used; one outside is", () => {
  const base = { findOnPath: onPath({ python3: "/usr/bin/python3" }), workspaceFolder: "/ws", platform: "linux" as const, trusted: false };
  for (const setting of ["${workspaceFolder}/.venv/bin/python", ".venv/bin/python", "/ws/bin/python"]) {
    const r = chooseInterpreter({ ...base, setting });
    assert.equal(r.ok && r.path, "/usr/bin/python3", setting);
    assert.match(r.ok ? r.note ?? "" : "", /inside this untrusted workspace/);
  }
  assert.deepEqual(chooseInterpreter({ ...base, setting: "/opt/py/bin/python" }), { ok: true, path: "/opt/py/bin/python", source: "setting" });
  assert.deepEqual(chooseInterpreter({ ...base, setting: "/ws-other/bin/python" }), { ok: true, path: "/ws-other/bin/python", source: "setting" });
  assert.deepEqual(chooseInterpreter({ ...base, trusted: true, setting: ".venv/bin/python" }), { ok: true, path: "/ws/.venv/bin/python", source: "setting" });
});

test("isInside compares whole path segments", () => {
  assert.equal(isInside("/ws/.venv/bin/python", "/ws", "linux"), true);
  assert.equal(isInside("/ws", "/ws", "linux"), true);
  assert.equal(isInside("/ws/../etc/python", "/ws", "linux"), false);
  assert.equal(isInside("/wsx/python", "/ws", "linux"), false);
  assert.equal(isInside("/ws/..python", "/ws", "linux"), true);
  assert.equal(isInside("C:\\WS\\venv\\python.exe", "c:\\ws", "win32"), true);
  assert.equal(isInside("/x/python", undefined, "linux"), false);
});

test("whichSync never looks in the current folder (empty or relative PATH entries)", () => {
  const exec = new Set(["python3", "./python3", "bin/python3", "/usr/bin/python3"]);
  assert.equal(whichSync("python3", ":.:bin:/usr/bin", (f) => exec.has(f), "linux"), "/usr/bin/python3");
  assert.equal(whichSync("python3", ".", (f) => exec.has(f), "linux"), undefined);
});
