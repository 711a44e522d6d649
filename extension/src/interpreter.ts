// Choosing the Python that runs the language server and the probe. Pure functions: no `vscode` here,
// so that the unit tests run under node's test runner.

import * as path from "node:path";

export type InterpreterSource = "setting" | "python-extension" | "workspace" | "path";

export interface InterpreterInputs {
  /** `learnability.interpreter` as written (may hold ${workspaceFolder}, ${env:X}, ~). */
  setting?: string;
  /** The Python extension's active environment for the resource, when that extension is installed. */
  pythonExtension?: string;
  /**
   * The interpreter of a `.venv`/`venv`/`env` in the resource's workspace folder (`workspaceEnvironments`),
   * used when neither the setting nor the Python extension names one. Never used in an untrusted workspace.
   */
  workspaceEnvironment?: string;
  /** Looks a bare command up on PATH; returns its absolute path or undefined. */
  findOnPath: (command: string) => string | undefined;
  workspaceFolder?: string;
  /**
   * `vscode.workspace.isTrusted`. In an untrusted workspace the Python extension's environment is not used
   * (it may be a `.venv` inside that folder, i.e. a program of the folder's author), exactly as VS Code
   * reads `learnability.interpreter` only from user settings there (a restricted setting); a user setting
   * that points inside the workspace folder (`${workspaceFolder}/.venv/bin/python`, a relative path) is
   * not used either. PATH is used instead. Default: trusted.
   */
  trusted?: boolean;
  home?: string;
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
}

export type InterpreterChoice =
  | { ok: true; path: string; source: InterpreterSource; note?: string }
  | { ok: false; message: string };

export const MIN_PYTHON: readonly [number, number] = [3, 10];

/** Replaces ${workspaceFolder}, ${userHome}, ${env:NAME} and a leading ~ in a setting value. */
export function resolveVariables(
  value: string,
  vars: { workspaceFolder?: string; home?: string; env?: Record<string, string | undefined> },
): string {
  let out = value.trim();
  out = out.replace(/\$\{(workspaceFolder|workspaceRoot|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (whole: string, name: string, envName: string | undefined) => {
    if (envName) return vars.env?.[envName] ?? "";
    if (name === "userHome") return vars.home ?? whole;
    return vars.workspaceFolder ?? whole;
  });
  if (vars.home && (out === "~" || out.startsWith("~/"))) {
    out = path.join(vars.home, out.slice(1));
  }
  return out;
}

/** Whether `file` is `folder` or lies below it (compared case-insensitively on Windows and macOS). */
export function isInside(file: string, folder: string | undefined, platform: NodeJS.Platform = process.platform): boolean {
  if (!folder) return false;
  const p = platform === "win32" ? path.win32 : path.posix;
  const fold = (s: string) => (platform === "win32" || platform === "darwin" ? s.toLowerCase() : s);
  const rel = p.relative(fold(p.resolve(folder)), fold(p.resolve(file)));
  return rel === "" || (rel !== ".." && !rel.startsWith(".." + p.sep) && !p.isAbsolute(rel));
}

function looksLikePath(command: string): boolean {
  return command.includes("/") || command.includes("\\");
}

/**
 * The interpreter to use: the setting, else the Python extension's environment, else the workspace folder's
 * own virtual environment (trusted workspaces), else `python3` (then `python`; on Windows `py`, `python`)
 * on PATH. A relative setting resolves against the workspace.
 */
export function chooseInterpreter(inputs: InterpreterInputs): InterpreterChoice {
  const platform = inputs.platform ?? process.platform;
  const trusted = inputs.trusted ?? true;
  const setting = (inputs.setting ?? "").trim();
  let note: string | undefined;
  if (setting) {
    let resolved = resolveVariables(setting, inputs);
    if (looksLikePath(resolved)) {
      if (!path.isAbsolute(resolved) && inputs.workspaceFolder) {
        resolved = path.resolve(inputs.workspaceFolder, resolved);
      }
      if (trusted || !isInside(resolved, inputs.workspaceFolder, platform)) {
        return { ok: true, path: resolved, source: "setting" };
      }
      note = `learnability.interpreter (${resolved}) lies inside this untrusted workspace: not used until you trust the workspace`;
    } else {
      const found = inputs.findOnPath(resolved);
      if (found) return { ok: true, path: found, source: "setting" };
      return {
        ok: false,
        message: `The interpreter in the setting learnability.interpreter ("${setting}") was not found on PATH. Set it to the full path of a Python ${MIN_PYTHON.join(".")} or newer.`,
      };
    }
  }
  if (!note && inputs.pythonExtension && inputs.pythonExtension.trim()) {
    if (trusted) return { ok: true, path: inputs.pythonExtension.trim(), source: "python-extension" };
    note = `the Python extension's environment (${inputs.pythonExtension.trim()}) is not used in an untrusted workspace`;
  }
  if (!note && trusted && inputs.workspaceEnvironment) return { ok: true, path: inputs.workspaceEnvironment, source: "workspace" };
  const candidates = platform === "win32" ? ["python", "py", "python3"] : ["python3", "python"];
  for (const name of candidates) {
    const found = inputs.findOnPath(name);
    if (found) return note ? { ok: true, path: found, source: "path", note } : { ok: true, path: found, source: "path" };
  }
  return {
    ok: false,
    message:
      `No Python found: install Python ${MIN_PYTHON.join(".")} or newer, or set learnability.interpreter ` +
      "to the full path of one (the Python extension's selected environment is used when that extension is installed).",
  };
}

/** Finds a command on a PATH string, given a predicate that tells whether a file is executable. */
export function whichSync(
  command: string,
  envPath: string | undefined,
  isExecutable: (file: string) => boolean,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (looksLikePath(command)) return isExecutable(command) ? command : undefined;
  const sep = platform === "win32" ? ";" : ":";
  const exts = platform === "win32" ? ["", ".exe", ".cmd", ".bat"] : [""];
  for (const dir of (envPath ?? "").split(sep)) {
    // an empty or relative PATH entry means the current folder: never look there (as Go's os/exec does)
    if (!dir || !(platform === "win32" ? path.win32 : path.posix).isAbsolute(dir)) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, command + ext);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The snippet run to learn an interpreter's version, and whether TensorFlow imports there. */
export const VERSION_SNIPPET = "import sys; print('%d.%d.%d' % sys.version_info[:3])";
export const TENSORFLOW_SNIPPET = "import tensorflow as tf; print(tf.__version__)";
/**
 * Exit 0 when the probe can train in this interpreter (found without importing anything): TensorFlow (Keras 3 on
 * TensorFlow, or tf_keras), or Keras 3 with a JAX or PyTorch backend (the probe trains on each); 3 when not.
 */
export const TRAINABLE_SNIPPET =
  "import importlib.util as u, sys; f = lambda m: u.find_spec(m) is not None; " +
  "sys.exit(0 if f('tensorflow') or (f('keras') and (f('jax') or f('torch'))) else 3)";

export function parseVersion(stdout: string): [number, number, number] | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(stdout.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function isSupportedVersion(v: readonly number[] | undefined): boolean {
  if (!v) return false;
  return v[0] > MIN_PYTHON[0] || (v[0] === MIN_PYTHON[0] && v[1] >= MIN_PYTHON[1]);
}

/** The command that installs TensorFlow for the probe in the given interpreter. */
export function tensorflowInstallCommand(python: string): string {
  const quoted = /[\s"'$`]/.test(python) ? `"${python.replace(/(["\\$`])/g, "\\$1")}"` : python;
  return `${quoted} -m pip install tensorflow`;
}

// ---------------------------------------------------------------- environments offered in the quick pick

/** Folder names of a project's own virtual environment, looked for in each workspace folder, in this order. */
export const WORKSPACE_ENV_NAMES: readonly string[] = [".venv", "venv", "env"];

export type EnvironmentKind = "workspace" | "conda" | "pyenv" | "path";

export interface EnvironmentCandidate {
  /** The interpreter's path. */
  path: string;
  kind: EnvironmentKind;
  /** A short name: `.venv`, the conda environment's name, the pyenv version. */
  name: string;
}

/** The file system as discovery needs it (injected, so that the unit tests give it a made-up one). */
export interface FileProbe {
  isExecutable: (file: string) => boolean;
  exists: (file: string) => boolean;
  /** The names in a folder; [] when it cannot be read. */
  listDir: (dir: string) => string[];
  /** A file's text; undefined when it cannot be read. */
  readFile: (file: string) => string | undefined;
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === "win32" ? path.win32 : path.posix;
}

/**
 * The interpreter inside an environment folder: `bin/python` (POSIX), `Scripts\python.exe` (a Windows
 * venv) or `python.exe` (a Windows conda environment); the first that is executable, else undefined.
 */
export function environmentPython(envDir: string, probe: Pick<FileProbe, "isExecutable">, platform: NodeJS.Platform = process.platform): string | undefined {
  const p = pathApi(platform);
  const candidates =
    platform === "win32"
      ? [p.join(envDir, "Scripts", "python.exe"), p.join(envDir, "python.exe")]
      : [p.join(envDir, "bin", "python"), p.join(envDir, "bin", "python3")];
  return candidates.find((c) => probe.isExecutable(c));
}

/**
 * The virtual environments of the workspace folders (`.venv`, `venv`, `env` directly inside each). None in
 * an untrusted workspace: an interpreter inside the folder is a program of the folder's author.
 */
export function workspaceEnvironments(
  folders: readonly string[],
  trusted: boolean,
  probe: Pick<FileProbe, "isExecutable">,
  platform: NodeJS.Platform = process.platform,
): EnvironmentCandidate[] {
  if (!trusted) return [];
  const p = pathApi(platform);
  const out: EnvironmentCandidate[] = [];
  for (const folder of folders) {
    for (const name of WORKSPACE_ENV_NAMES) {
      const python = environmentPython(p.join(folder, name), probe, platform);
      if (python) out.push({ path: python, kind: "workspace", name: folders.length > 1 ? `${p.basename(folder)}/${name}` : name });
    }
  }
  return out;
}

/** The environment folders in `conda env list --json`'s output ({"envs": [...]}); [] for anything else. */
export function parseCondaEnvList(stdout: string): string[] {
  try {
    const data: unknown = JSON.parse(stdout);
    const envs = (data as { envs?: unknown } | null)?.envs;
    return Array.isArray(envs) ? envs.filter((e): e is string => typeof e === "string" && e.trim() !== "") : [];
  } catch {
    return [];
  }
}

/** The environment folders listed in `~/.conda/environments.txt` (one a line; blanks and comments skipped). */
export function parseEnvironmentsTxt(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

export interface DiscoveryInputs {
  workspaceFolders: readonly string[];
  trusted: boolean;
  home?: string;
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  probe: FileProbe;
  /** The folders `conda env list --json` named, when conda could be run. */
  condaEnvs?: readonly string[];
}

/** `$PYENV_ROOT`, else `~/.pyenv` (pyenv-win: `~/.pyenv/pyenv-win`). */
export function pyenvRoot(inputs: { home?: string; env?: Record<string, string | undefined>; platform?: NodeJS.Platform }): string | undefined {
  const platform = inputs.platform ?? process.platform;
  const root = inputs.env?.PYENV_ROOT?.trim();
  if (root) return root;
  if (!inputs.home) return undefined;
  const p = pathApi(platform);
  return platform === "win32" ? p.join(inputs.home, ".pyenv", "pyenv-win") : p.join(inputs.home, ".pyenv");
}

/**
 * Every interpreter worth offering: the workspace's own environments (trusted workspaces only), conda
 * environments (`conda env list`, `~/.conda/environments.txt`, `$CONDA_PREFIX`), pyenv versions, then
 * `python3`/`python` on `env.PATH` past any pyenv shims (a shim is not an environment: it runs whichever
 * version the folder selects). Each interpreter once (the first kind that names it), only existing ones.
 */
export function discoverEnvironments(inputs: DiscoveryInputs): EnvironmentCandidate[] {
  const platform = inputs.platform ?? process.platform;
  const p = pathApi(platform);
  const { probe } = inputs;
  const out: EnvironmentCandidate[] = [...workspaceEnvironments(inputs.workspaceFolders, inputs.trusted, probe, platform)];
  const condaDirs: string[] = [...(inputs.condaEnvs ?? [])];
  if (inputs.home) {
    const txt = probe.readFile(p.join(inputs.home, ".conda", "environments.txt"));
    if (txt) condaDirs.push(...parseEnvironmentsTxt(txt));
  }
  const prefix = inputs.env?.CONDA_PREFIX?.trim();
  if (prefix) condaDirs.push(prefix);
  for (const dir of condaDirs) {
    // an environment inside an untrusted workspace folder is that folder's program, as above
    if (!inputs.trusted && inputs.workspaceFolders.some((f) => isInside(dir, f, platform))) continue;
    const python = environmentPython(dir, probe, platform);
    if (python) out.push({ path: python, kind: "conda", name: p.basename(dir) });
  }
  const root = pyenvRoot({ ...inputs, platform });
  if (root) {
    const versions = p.join(root, "versions");
    for (const name of probe.listDir(versions).sort(compareVersionNames)) {
      const python = environmentPython(p.join(versions, name), probe, platform);
      if (python) out.push({ path: python, kind: "pyenv", name });
    }
  }
  const shims = root ? p.join(root, "shims") : undefined;
  const sep = platform === "win32" ? ";" : ":";
  const dirs = (inputs.env?.PATH ?? "").split(sep).filter((d) => !(shims && isInside(d, shims, platform)));
  for (const name of platform === "win32" ? ["python", "py", "python3"] : ["python3", "python"]) {
    const found = whichSync(name, dirs.join(sep), probe.isExecutable, platform);
    if (found) out.push({ path: found, kind: "path", name });
  }
  const seen = new Set<string>();
  return out.filter((c) => {
    const key = platform === "win32" || platform === "darwin" ? c.path.toLowerCase() : c.path;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Newest first for version-like names ("3.12.1" before "3.9.18"), then by name. */
function compareVersionNames(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (va && vb) {
    for (let i = 0; i < 3; i++) if (va[i] !== vb[i]) return vb[i] - va[i];
  }
  if (va && !vb) return -1;
  if (!va && vb) return 1;
  return a.localeCompare(b);
}

// ---------------------------------------------------------------- may we install into it?

/**
 * What an interpreter is, for deciding where TensorFlow may be installed: a virtual environment (a
 * `pyvenv.cfg` beside its `bin`), a conda environment (`conda-meta`), a pyenv version (user-owned), a
 * pyenv shim (runs whichever version a folder selects: installing through it lands who knows where), or
 * a system Python (the OS's or Homebrew's: PEP 668 "externally managed", pip into it breaks tools).
 */
export type InterpreterKind = "venv" | "conda" | "pyenv" | "pyenv-shim" | "system";

export function classifyInterpreter(
  python: string,
  inputs: { probe: Pick<FileProbe, "exists">; home?: string; env?: Record<string, string | undefined>; platform?: NodeJS.Platform },
): InterpreterKind {
  const platform = inputs.platform ?? process.platform;
  const p = pathApi(platform);
  const root = pyenvRoot({ ...inputs, platform });
  if (root && isInside(python, p.join(root, "shims"), platform)) return "pyenv-shim";
  const bin = p.dirname(python);
  // POSIX: <env>/bin/python; Windows: <venv>\Scripts\python.exe or <conda env>\python.exe
  const prefixes = platform === "win32" ? [p.dirname(bin), bin] : [p.dirname(bin)];
  if (prefixes.some((d) => inputs.probe.exists(p.join(d, "pyvenv.cfg")))) return "venv";
  if (prefixes.some((d) => inputs.probe.exists(p.join(d, "conda-meta")))) return "conda";
  if (root && isInside(python, p.join(root, "versions"), platform)) return "pyenv";
  return "system";
}

/** Whether the extension may offer `pip install tensorflow` into an interpreter of this kind. */
export function mayInstallInto(kind: InterpreterKind): boolean {
  return kind === "venv" || kind === "conda" || kind === "pyenv";
}

/** The interpreter of a new `.venv` in a folder. */
export function newVenvPython(folder: string, platform: NodeJS.Platform = process.platform): string {
  const p = pathApi(platform);
  return platform === "win32" ? p.join(folder, ".venv", "Scripts", "python.exe") : p.join(folder, ".venv", "bin", "python");
}

/** What to tell the user when TensorFlow is missing from the probe's interpreter, and the buttons. */
export function tensorflowAdvice(python: string, kind: InterpreterKind, hasFolder: boolean): { message: string; actions: string[] } {
  if (mayInstallInto(kind)) {
    return {
      message: `TensorFlow is not installed in ${python} (nor Keras 3 with JAX or PyTorch). The probe trains your model with your own Keras backend; install TensorFlow with: ${tensorflowInstallCommand(python)}`,
      actions: ["Install in terminal", "Copy command", "Select interpreter"],
    };
  }
  const what =
    kind === "pyenv-shim"
      ? "a pyenv shim (it runs whichever Python version the folder selects)"
      : "a system Python (installing packages into it can break the tools that rely on it)";
  return {
    message:
      `TensorFlow is not installed in ${python}, ${what}. ` +
      (hasFolder
        ? "Create a virtual environment (.venv) in this folder and install TensorFlow there, or select an interpreter that has it."
        : "Select an interpreter that has TensorFlow, such as your project's virtual environment."),
    actions: hasFolder ? ["Create .venv", "Select interpreter"] : ["Select interpreter"],
  };
}

/** One row of the interpreter quick pick (`separator`: a group heading; `browse`: the "Browse…" row). */
export interface InterpreterPickItem {
  label: string;
  description?: string;
  separator?: boolean;
  browse?: boolean;
  path?: string;
}

const KIND_HEADINGS: Record<EnvironmentKind, string> = {
  workspace: "Workspace",
  conda: "Conda",
  pyenv: "pyenv",
  path: "On PATH",
};

/**
 * The interpreter quick pick's rows: "Browse…" first, then the candidates grouped by kind, each as
 * "Python 3.12.1 (.venv)" with its path; the interpreter in use marked. `versions` maps a path to its
 * version when it is known: one older than MIN_PYTHON is left out (it cannot run the server); one whose
 * version could not be read is still listed.
 */
export function interpreterPickItems(
  candidates: readonly EnvironmentCandidate[],
  opts: { current?: string; versions?: ReadonlyMap<string, string> } = {},
): InterpreterPickItem[] {
  const out: InterpreterPickItem[] = [{ label: "$(folder-opened) Browse…", description: "choose a Python on disk", browse: true }];
  let kind: EnvironmentKind | undefined;
  for (const c of candidates) {
    const version = opts.versions?.get(c.path);
    if (version && !isSupportedVersion(parseVersion(version))) continue;
    if (c.kind !== kind) {
      kind = c.kind;
      out.push({ label: KIND_HEADINGS[kind], separator: true });
    }
    const named = c.kind !== "path" && c.name !== version ? ` (${c.name})` : "";
    const label = version ? `Python ${version}${named}` : c.name;
    const current = opts.current !== undefined && opts.current === c.path;
    out.push({ label: current ? `$(check) ${label}` : label, description: current ? `${c.path} (in use)` : c.path, path: c.path });
  }
  return out;
}
