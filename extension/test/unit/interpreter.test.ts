import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  chooseInterpreter,
  classifyInterpreter,
  discoverEnvironments,
  environmentPython,
  FileProbe,
  interpreterPickItems,
  isInside,
  isSupportedVersion,
  mayInstallInto,
  newVenvPython,
  parseCondaEnvList,
  parseEnvironmentsTxt,
  parseVersion,
  resolveVariables,
  tensorflowAdvice,
  tensorflowInstallCommand,
  TRAINABLE_SNIPPET,
  whichSync,
  workspaceEnvironments,
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

// ---------------------------------------------------------------- environments (a made-up file system)


/** A file system of the given files (executables) and folders; folders list their direct children. */
function fakeFs(files: string[], extraFiles: Record<string, string> = {}): FileProbe {
  const all = new Set([...files, ...Object.keys(extraFiles)]);
  return {
    isExecutable: (f) => files.includes(f),
    exists: (f) => all.has(f) || [...all].some((x) => x.startsWith(f + "/")),
    listDir: (dir) => [...new Set([...all].filter((x) => x.startsWith(dir + "/")).map((x) => x.slice(dir.length + 1).split("/")[0]))],
    readFile: (f) => extraFiles[f],
  };
}

test("a .venv, venv or env in the workspace folder is found, in that order; none in an untrusted workspace", () => {
  const fs = fakeFs(["/ws/env/bin/python", "/ws/.venv/bin/python", "/ws/other/bin/python"]);
  assert.deepEqual(workspaceEnvironments(["/ws"], true, fs, "linux"), [
    { path: "/ws/.venv/bin/python", kind: "workspace", name: ".venv" },
    { path: "/ws/env/bin/python", kind: "workspace", name: "env" },
  ]);
  assert.deepEqual(workspaceEnvironments(["/ws"], false, fs, "linux"), []);
  // Windows: Scripts\python.exe
  const win = fakeFs(["C:\\ws\\.venv\\Scripts\\python.exe"]);
  assert.equal(environmentPython("C:\\ws\\.venv", win, "win32"), "C:\\ws\\.venv\\Scripts\\python.exe");
  assert.equal(newVenvPython("/ws", "linux"), "/ws/.venv/bin/python");
});

test("with no setting and no Python extension, the workspace's own .venv wins over python3 on PATH (trusted only)", () => {
  const inputs = {
    workspaceEnvironment: "/ws/.venv/bin/python",
    findOnPath: onPath({ python3: "/usr/bin/python3" }),
    workspaceFolder: "/ws",
    platform: "linux" as const,
  };
  assert.deepEqual(chooseInterpreter({ ...inputs, trusted: true }), { ok: true, path: "/ws/.venv/bin/python", source: "workspace" });
  assert.deepEqual(chooseInterpreter({ ...inputs, trusted: false }), { ok: true, path: "/usr/bin/python3", source: "path" });
  // the Python extension's selection and the setting still come first
  const r = chooseInterpreter({ ...inputs, pythonExtension: "/envs/a/bin/python" });
  assert.equal(r.ok && r.path, "/envs/a/bin/python");
  const s = chooseInterpreter({ ...inputs, setting: "/opt/py/bin/python" });
  assert.equal(s.ok && s.source, "setting");
});

test("conda env list --json and ~/.conda/environments.txt are read; garbage gives nothing", () => {
  assert.deepEqual(parseCondaEnvList('{"envs": ["/opt/conda", "/opt/conda/envs/tf", 3, ""]}'), ["/opt/conda", "/opt/conda/envs/tf"]);
  assert.deepEqual(parseCondaEnvList("conda: command not found"), []);
  assert.deepEqual(parseCondaEnvList("null"), []);
  assert.deepEqual(parseEnvironmentsTxt("/opt/conda\n\n# x\n/home/u/miniconda3/envs/ml\r\n"), ["/opt/conda", "/home/u/miniconda3/envs/ml"]);
});

test("discovery lists workspace, conda, pyenv (newest first) and PATH interpreters, each once, never a pyenv shim", () => {
  const fs = fakeFs(
    [
      "/ws/.venv/bin/python",
      "/opt/conda/bin/python",
      "/opt/conda/envs/tf/bin/python",
      "/home/u/miniconda3/envs/ml/bin/python",
      "/home/u/.pyenv/versions/3.9.18/bin/python",
      "/home/u/.pyenv/versions/3.12.1/bin/python",
      "/home/u/.pyenv/versions/3.11.7/bin/python",
      "/home/u/.pyenv/shims/python3",
      "/home/u/.pyenv/shims/python",
      "/usr/bin/python3",
    ],
    { "/home/u/.conda/environments.txt": "/home/u/miniconda3/envs/ml\n/opt/conda/envs/tf\n/gone/env\n" },
  );
  const found = discoverEnvironments({
    workspaceFolders: ["/ws"],
    trusted: true,
    home: "/home/u",
    // the shims come first on PATH, as pyenv sets it up: PATH's own python3 is the one after them
    env: { CONDA_PREFIX: "/opt/conda", PATH: "/home/u/.pyenv/shims:/usr/bin" },
    platform: "linux",
    probe: fs,
    condaEnvs: ["/opt/conda/envs/tf"],
  });
  assert.deepEqual(
    found.map((c) => [c.kind, c.name, c.path]),
    [
      ["workspace", ".venv", "/ws/.venv/bin/python"],
      ["conda", "tf", "/opt/conda/envs/tf/bin/python"],
      ["conda", "ml", "/home/u/miniconda3/envs/ml/bin/python"],
      ["conda", "conda", "/opt/conda/bin/python"],
      ["pyenv", "3.12.1", "/home/u/.pyenv/versions/3.12.1/bin/python"],
      ["pyenv", "3.11.7", "/home/u/.pyenv/versions/3.11.7/bin/python"],
      ["pyenv", "3.9.18", "/home/u/.pyenv/versions/3.9.18/bin/python"],
      ["path", "python3", "/usr/bin/python3"],
    ],
  );
  // untrusted: the workspace's environment (and a conda env inside the folder) is left out
  const untrusted = discoverEnvironments({
    workspaceFolders: ["/ws"],
    trusted: false,
    platform: "linux",
    probe: fakeFs(["/ws/.venv/bin/python", "/ws/conda-env/bin/python", "/usr/bin/python3"]),
    condaEnvs: ["/ws/conda-env"],
    env: { PATH: "/usr/bin" },
  });
  assert.deepEqual(untrusted.map((c) => c.path), ["/usr/bin/python3"]);
});

test("TensorFlow is offered for install into a venv, conda or pyenv version, never a system Python or a pyenv shim", () => {
  const fs = fakeFs([], {
    "/ws/.venv/pyvenv.cfg": "home = /usr/bin",
    "/opt/conda/envs/tf/conda-meta/history": "",
    "C:\\envs\\v\\pyvenv.cfg": "",
  });
  const kind = (p: string, platform: NodeJS.Platform = "linux") => classifyInterpreter(p, { probe: fs, home: "/home/u", env: {}, platform });
  assert.equal(kind("/ws/.venv/bin/python"), "venv");
  assert.equal(kind("/opt/conda/envs/tf/bin/python"), "conda");
  assert.equal(kind("/home/u/.pyenv/versions/3.12.1/bin/python"), "pyenv");
  assert.equal(kind("/home/u/.pyenv/shims/python3"), "pyenv-shim");
  assert.equal(kind("/usr/bin/python3"), "system");
  assert.equal(kind("/opt/homebrew/bin/python3"), "system");
  assert.equal(classifyInterpreter("/srv/py/shims/python", { probe: fs, env: { PYENV_ROOT: "/srv/py" }, platform: "linux" }), "pyenv-shim");
  assert.equal(classifyInterpreter("C:\\envs\\v\\Scripts\\python.exe", { probe: fs, platform: "win32" }), "venv");
  assert.deepEqual(
    (["venv", "conda", "pyenv", "pyenv-shim", "system"] as const).map(mayInstallInto),
    [true, true, true, false, false],
  );

  const venv = tensorflowAdvice("/ws/.venv/bin/python", "venv", true);
  assert.deepEqual(venv.actions, ["Install in terminal", "Copy command", "Select interpreter"]);
  assert.match(venv.message, /\/ws\/\.venv\/bin\/python -m pip install tensorflow/);
  for (const k of ["system", "pyenv-shim"] as const) {
    const a = tensorflowAdvice("/usr/bin/python3", k, true);
    assert.deepEqual(a.actions, ["Create .venv", "Select interpreter"], k);
    assert.doesNotMatch(a.message, /pip install/, k);
    assert.match(a.message, /\.venv/, k);
    assert.ok(!a.actions.some((x) => /install/i.test(x)), k);
  }
  assert.deepEqual(tensorflowAdvice("/usr/bin/python3", "system", false).actions, ["Select interpreter"]);
  assert.match(tensorflowAdvice("/home/u/.pyenv/shims/python3", "pyenv-shim", true).message, /pyenv shim/);
});

test("the quick pick: Browse… first, then each kind under its heading, with versions and the one in use marked; too old ones left out", () => {
  const items = interpreterPickItems(
    [
      { path: "/ws/.venv/bin/python", kind: "workspace", name: ".venv" },
      { path: "/opt/conda/envs/tf/bin/python", kind: "conda", name: "tf" },
      { path: "/home/u/.pyenv/versions/3.12.1/bin/python", kind: "pyenv", name: "3.12.1" },
      { path: "/home/u/.pyenv/versions/3.8.18/bin/python", kind: "pyenv", name: "3.8.18" },
      { path: "/usr/bin/python3", kind: "path", name: "python3" },
    ],
    {
      current: "/usr/bin/python3",
      versions: new Map([
        ["/home/u/.pyenv/versions/3.8.18/bin/python", "3.8.18"],
        ["/ws/.venv/bin/python", "3.11.7"],
        ["/home/u/.pyenv/versions/3.12.1/bin/python", "3.12.1"],
        ["/usr/bin/python3", "3.11.2"],
      ]),
    },
  );
  assert.deepEqual(
    items.map((i) => [i.separator ? "--" : i.browse ? "browse" : "item", i.label, i.description ?? ""]),
    [
      ["browse", "$(folder-opened) Browse…", "choose a Python on disk"],
      ["--", "Workspace", ""],
      ["item", "Python 3.11.7 (.venv)", "/ws/.venv/bin/python"],
      ["--", "Conda", ""],
      ["item", "tf", "/opt/conda/envs/tf/bin/python"],
      ["--", "pyenv", ""],
      ["item", "Python 3.12.1", "/home/u/.pyenv/versions/3.12.1/bin/python"],
      ["--", "On PATH", ""],
      ["item", "$(check) Python 3.11.2", "/usr/bin/python3 (in use)"],
    ],
  );
  assert.deepEqual(interpreterPickItems([]).map((i) => i.browse), [true]);
});

test("TRAINABLE_SNIPPET: TensorFlow, or Keras 3 with JAX or PyTorch, and nothing else", () => {
  const cases: [string[], number][] = [
    [["tensorflow"], 0],
    [["keras", "jax"], 0],
    [["keras", "torch"], 0],
    [["keras"], 3],
    [["jax", "torch"], 3],
    [[], 3],
  ];
  for (const [modules, code] of cases) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trainable-"));
    for (const m of modules) {
      fs.mkdirSync(path.join(dir, m));
      fs.writeFileSync(path.join(dir, m, "__init__.py"), "raise SystemExit(9)  # never imported\n");
    }
    // -S: no site-packages, so only the fake packages above can be found
    const r = spawnSync("python3", ["-S", "-c", TRAINABLE_SNIPPET], { env: { PYTHONPATH: dir } });
    assert.equal(r.status, code, `${modules.join("+") || "nothing"}: ${r.stderr}`);
    fs.rmSync(dir, { recursive: true });
  }
});
