// Finding the interpreter inside VS Code: the setting, the Python extension (optional), PATH.

import * as cp from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import type { PythonExtension } from "@vscode/python-extension";
import {
  chooseInterpreter,
  classifyInterpreter,
  discoverEnvironments,
  EnvironmentCandidate,
  FileProbe,
  InterpreterKind,
  interpreterPickItems,
  InterpreterSource,
  isSupportedVersion,
  MIN_PYTHON,
  newVenvPython,
  parseCondaEnvList,
  parseVersion,
  VERSION_SNIPPET,
  whichSync,
  workspaceEnvironments,
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

/** The real file system, for the pure discovery functions of ./interpreter. */
export const fileProbe: FileProbe = {
  isExecutable,
  exists: (file) => fs.existsSync(file),
  listDir: (dir) => {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  },
  readFile: (file) => {
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  },
};

/** What kind of interpreter this is (a venv, conda, pyenv, a system Python): may TensorFlow go into it? */
export function interpreterKind(python: string): InterpreterKind {
  return classifyInterpreter(python, { probe: fileProbe, home: os.homedir(), env: process.env });
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
    workspaceEnvironment: folder ? workspaceEnvironments([folder.uri.fsPath], trusted, fileProbe)[0]?.path : undefined,
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
        : choice.source === "workspace"
          ? "the workspace's virtual environment"
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

// ---------------------------------------------------------------- choosing one: the quick pick

/** The environments `conda env list --json` names (conda from $CONDA_EXE, else PATH); [] without conda. */
function condaEnvironments(log: vscode.LogOutputChannel): Promise<string[]> {
  const conda = process.env.CONDA_EXE?.trim() || whichSync("conda", process.env.PATH, isExecutable);
  if (!conda) return Promise.resolve([]);
  return new Promise((resolve) => {
    cp.execFile(conda, ["env", "list", "--json"], { timeout: 15000, windowsHide: true, cwd: os.homedir() }, (err, stdout) => {
      if (err) log.info(`conda env list: ${err.message}`);
      resolve(parseCondaEnvList(String(stdout ?? "")));
    });
  });
}

/** Every interpreter worth offering (workspace environments only in a trusted workspace). */
export async function findEnvironments(log: vscode.LogOutputChannel): Promise<EnvironmentCandidate[]> {
  return discoverEnvironments({
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    trusted: vscode.workspace.isTrusted,
    home: os.homedir(),
    env: process.env,
    probe: fileProbe,
    condaEnvs: await condaEnvironments(log),
  });
}

type PickItem = vscode.QuickPickItem & { path?: string; browse?: boolean };

/**
 * The interpreter quick pick (the workspace's environments, conda, pyenv, PATH, and "Browse…"); the one
 * picked is written to `learnability.interpreter` (workspace settings in a trusted workspace, else user
 * settings, the only ones VS Code reads there), which restarts the server. Returns the path, or undefined.
 */
export async function pickInterpreter(current: string | undefined, log: vscode.LogOutputChannel): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<PickItem>();
  qp.title = "Learnability: Select interpreter";
  qp.placeholder = "The Python that runs the server and the probe (the probe needs TensorFlow in it)";
  qp.matchOnDescription = true;
  qp.busy = true;
  const toItems = (rows: ReturnType<typeof interpreterPickItems>): PickItem[] =>
    rows.map((r) => (r.separator ? { label: r.label, kind: vscode.QuickPickItemKind.Separator } : { label: r.label, description: r.description, path: r.path, browse: r.browse }));
  qp.items = toItems(interpreterPickItems([], { current }));
  const picked = new Promise<PickItem | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
  });
  qp.show();
  void (async () => {
    try {
      const candidates = await findEnvironments(log);
      const versions = new Map<string, string>();
      await Promise.all(
        candidates.map(async (c) => {
          const r = await runPython(c.path, ["-E", "-s", "-c", VERSION_SNIPPET], 5000);
          const v = parseVersion(r.stdout);
          if (!r.error && v) versions.set(c.path, v.join("."));
        }),
      );
      qp.items = toItems(interpreterPickItems(candidates, { current, versions }));
    } catch (err) {
      log.warn(`Looking for Python environments: ${String(err)}`);
    } finally {
      qp.busy = false;
    }
  })();
  const item = await picked;
  qp.dispose();
  if (!item) return undefined;
  let chosen = item.path;
  if (item.browse) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const files = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      defaultUri: folder,
      openLabel: "Select interpreter",
      title: "Learnability: the Python interpreter",
      filters: process.platform === "win32" ? { Python: ["exe"] } : undefined,
    });
    chosen = files?.[0]?.fsPath;
  }
  if (!chosen) return undefined;
  await setInterpreterSetting(chosen);
  return chosen;
}

/** Writes learnability.interpreter where VS Code will read it (see pickInterpreter). */
export async function setInterpreterSetting(python: string): Promise<void> {
  const target =
    vscode.workspace.isTrusted && vscode.workspace.workspaceFolders?.length
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration("learnability").update("interpreter", python, target);
}

/**
 * Creates `.venv` in a workspace folder with `python -m venv` (the interpreter in use as its base) and
 * returns the new environment's interpreter; an Error with the reason when venv fails (Debian without
 * python3-venv, say). An existing `.venv` with an interpreter is returned as it is.
 */
export async function createVenv(folder: vscode.WorkspaceFolder, base: string): Promise<string> {
  const python = newVenvPython(folder.uri.fsPath);
  if (isExecutable(python)) return python;
  const dir = path.join(folder.uri.fsPath, ".venv");
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Learnability: creating ${dir}` },
    () => runPython(base, ["-m", "venv", dir], 180000),
  );
  if (result.error || !isExecutable(python)) {
    const why = (result.stderr.trim() || result.error?.message || "no interpreter was created").split("\n").slice(-3).join(" ");
    throw new Error(`${base} -m venv ${dir} failed: ${why}`);
  }
  return python;
}
