// Choosing the Python that runs the language server and the probe. Pure functions: no `vscode` here,
// so that the unit tests run under node's test runner.

import * as path from "node:path";

export type InterpreterSource = "setting" | "python-extension" | "path";

export interface InterpreterInputs {
  /** `learnability.interpreter` as written (may hold ${workspaceFolder}, ${env:X}, ~). */
  setting?: string;
  /** The Python extension's active environment for the resource, when that extension is installed. */
  pythonExtension?: string;
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
 * The interpreter to use: the setting, else the Python extension's environment, else `python3`
 * (then `python`; on Windows `py`, `python`) on PATH. A relative setting resolves against the workspace.
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
