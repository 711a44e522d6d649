// Finding the interpreter inside VS Code: the setting, the Python extension (optional), PATH.

import * as cp from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as vscode from "vscode";
import type { PythonExtension } from "@vscode/python-extension";
import {
  chooseInterpreter,
  InterpreterSource,
  isSupportedVersion,
  MIN_PYTHON,
  parseVersion,
  VERSION_SNIPPET,
  whichSync,
} from "./interpreter";

const PYTHON_EXTENSION_ID = "ms-python.python";

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

let pythonApi: PythonExtension | undefined;

/** The Python extension's API when that extension is installed; undefined (never an error) otherwise. */
export async function getPythonApi(log?: vscode.LogOutputChannel): Promise<PythonExtension | undefined> {
  if (pythonApi) return pythonApi;
  if (!vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) return undefined;
  try {
    // Imported lazily so that a missing or broken Python extension never stops activation.
    const { PythonExtension } = await import("@vscode/python-extension");
    pythonApi = await PythonExtension.api();
    return pythonApi;
  } catch (err) {
    log?.warn(`The Python extension is installed but its API is not available: ${String(err)}`);
    return undefined;
  }
}

async function pythonExtensionInterpreter(resource: vscode.Uri | undefined, log: vscode.LogOutputChannel): Promise<string | undefined> {
  const api = await getPythonApi(log);
  if (!api) return undefined;
  try {
    const envPath = api.environments.getActiveEnvironmentPath(resource);
    const env = await api.environments.resolveEnvironment(envPath);
    return env?.executable.uri?.fsPath;
  } catch (err) {
    log.warn(`Could not read the Python extension's active environment: ${String(err)}`);
    return undefined;
  }
}

export interface ResolvedInterpreter {
  path: string;
  source: InterpreterSource;
  version: string;
}

/**
 * Runs `python args` in this extension's own folder, never the workspace: `python -c` puts its working
 * folder first on sys.path, and a workspace `typing.py` or `importlib` would otherwise be imported.
 */
export function runPython(python: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    const options = { timeout: timeoutMs, windowsHide: true, cwd: __dirname, env: { ...process.env, PYTHONIOENCODING: "utf-8" } };
    cp.execFile(python, args, options, (error, stdout, stderr) => {
      const raw = (error as { code?: unknown } | null)?.code;
      const code = !error ? 0 : typeof raw === "number" ? raw : null;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), error: error ?? undefined });
    });
  });
}

/** Resolves and checks the interpreter for a resource; throws an Error with a user-facing message. */
export async function resolveInterpreter(resource: vscode.Uri | undefined, log: vscode.LogOutputChannel): Promise<ResolvedInterpreter> {
  const config = vscode.workspace.getConfiguration("learnability", resource);
  const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : vscode.workspace.workspaceFolders?.[0];
  // In an untrusted workspace VS Code returns this restricted setting from user settings only.
  const setting = config.get<string>("interpreter") ?? "";
  const trusted = vscode.workspace.isTrusted;
  const choice = chooseInterpreter({
    setting,
    // the Python extension's environment may be a program of the workspace: never asked for when untrusted
    pythonExtension: setting.trim() || !trusted ? undefined : await pythonExtensionInterpreter(resource, log),
    trusted,
    findOnPath: (cmd) => whichSync(cmd, process.env.PATH, isExecutable),
    workspaceFolder: folder?.uri.fsPath,
    home: os.homedir(),
    env: process.env,
  });
  if (!choice.ok) throw new Error(choice.message);
  if (choice.note) log.info(`Untrusted workspace: ${choice.note}; using ${choice.path} from PATH.`);
  // -E -s: no PYTHON* variables, no user site; the snippet imports only `sys` (also fine on Python 2,
  // so that an old interpreter gets the "needs 3.10" message).
  const result = await runPython(choice.path, ["-E", "-s", "-c", VERSION_SNIPPET], 15000);
  const version = parseVersion(result.stdout);
  const from =
    choice.source === "setting"
      ? "the setting learnability.interpreter"
      : choice.source === "python-extension"
        ? "the Python extension's selected environment"
        : "PATH";
  if (result.error || !version) {
    throw new Error(`Could not run the Python interpreter ${choice.path} (from ${from}): ${result.error?.message ?? result.stderr.trim()}`);
  }
  if (!isSupportedVersion(version)) {
    throw new Error(
      `Learnability needs Python ${MIN_PYTHON.join(".")} or newer; ${choice.path} (from ${from}) is ${version.join(".")}. Set learnability.interpreter to a newer Python.`,
    );
  }
  return { path: choice.path, source: choice.source, version: version.join(".") };
}

/** Calls `listener` when the Python extension's active environment changes (no-op without that extension). */
export async function onPythonEnvironmentChanged(listener: () => void, log: vscode.LogOutputChannel): Promise<vscode.Disposable | undefined> {
  const api = await getPythonApi(log);
  return api?.environments.onDidChangeActiveEnvironmentPath(() => listener());
}
