// Learnability for VS Code: a thin client. It starts `learnability serve` (bundled with its Python
// dependencies) in the chosen interpreter, maps settings, runs the probe through the server command
// `learnability.runProbe`, and shows the report.

import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  ConfigurationParams,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from "vscode-languageclient/node";
import { mayInstallInto, tensorflowAdvice, tensorflowInstallCommand, TRAINABLE_SNIPPET } from "./interpreter";
import {
  createVenv,
  getPythonApi,
  interpreterKind,
  onPythonEnvironmentChanged,
  pickInterpreter,
  ResolvedInterpreter,
  resolveInterpreter,
  runPython,
  setInterpreterSetting,
} from "./python";
import { isCancelledReport, isMissingTensorflow, ProbeReport, statusBarText, verdictLabel } from "./report";
import { ProgressHandler } from "./progress";
import { ReportPanel } from "./reportPanel";
import { RESTART_SETTINGS, ServerSettings, toServerSettings } from "./settings";
import { isCleanExitMessage, ReportsByFile, RuleInfo, rulePickItems } from "./ui";

const NAME = "Learnability";
const PROBE_COMMAND = "learnability.runProbe";
const EXPLAIN_COMMAND = "learnability.explain";
const LIST_RULES_COMMAND = "learnability.listRules";
const REPORT_NOTIFICATION = "learnability/probeReport";
const EXPLAIN_SCHEME = "learnability-explain";

let ext: LearnabilityExtension | undefined;

/** The language client, except that a clean exit of the server (code 0: a restart, a shutdown) is logged
 * as information, not as "[Error] Server process exited with code 0". */
class LearnabilityClient extends LanguageClient {
  override error(message: string, data?: unknown, showNotification: boolean | "force" = true): void {
    if (isCleanExitMessage(message)) this.info(message, data, false);
    else super.error(message, data, showNotification);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  ext = new LearnabilityExtension(context);
  await ext.start();
}

export async function deactivate(): Promise<void> {
  await ext?.dispose();
  ext = undefined;
}

class LearnabilityExtension {
  private readonly log: vscode.LogOutputChannel;
  private readonly status: vscode.StatusBarItem;
  private readonly panel: ReportPanel;
  private client: LanguageClient | undefined;
  private progress: ProgressHandler | undefined;
  private interpreter: ResolvedInterpreter | undefined;
  private lastReport: { report: ProbeReport; uri?: string } | undefined;
  /** Each probed file's last report, for the status bar (in memory: a server restart clears it). */
  private readonly reports = new ReportsByFile<ProbeReport>();
  private probing = false;
  private queue: Promise<void> = Promise.resolve();
  private readonly explanations = new Map<string, string>();
  private readonly explainChanged = new vscode.EventEmitter<vscode.Uri>();
  private tensorflowOk = new Set<string>();

  constructor(private readonly context: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel(NAME, { log: true });
    this.status = vscode.window.createStatusBarItem("learnability.status", vscode.StatusBarAlignment.Left, 50);
    this.status.name = "Learnability";
    this.panel = new ReportPanel(this.log);
    this.lastReport = context.workspaceState.get("learnability.lastReport");
    context.subscriptions.push(this.log, this.status, this.explainChanged);
    this.registerCommands();
    this.registerListeners();
    this.updateStatus();
  }

  // ---------------------------------------------------------------- server lifecycle

  /** Serialises starts and restarts. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task, task).catch((err) => this.log.error(String(err)));
    return this.queue;
  }

  start(): Promise<void> {
    return this.enqueue(async () => {
      // a start asked for while a restart was under way (the probe during an interpreter change): done already
      if (this.client?.isRunning()) return;
      await this.stopNow(); // a client that failed to start: its registrations (server commands) go first
      await this.startNow();
    });
  }

  restart(reason: string): Promise<void> {
    return this.enqueue(async () => {
      this.log.info(`Restarting the server (${reason})`);
      await this.stopNow();
      await this.startNow();
    });
  }

  private serverScript(): string {
    return this.context.asAbsolutePath(path.join("bundled", "tool", "server.py"));
  }

  private settingsFor(scope: vscode.Uri | undefined): ServerSettings {
    const config = vscode.workspace.getConfiguration("learnability", scope);
    const problems: string[] = [];
    const settings = toServerSettings((key) => config.get(key), this.interpreter?.path ?? "", problems);
    for (const p of problems) this.log.warn(`Setting ignored: ${p}`);
    return settings;
  }

  private async startNow(): Promise<void> {
    const resource = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    try {
      this.interpreter = await resolveInterpreter(resource, this.log);
    } catch (err) {
      this.interpreter = undefined;
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(message);
      this.updateStatus(message);
      void vscode.window.showErrorMessage(`${NAME}: ${message}`, "Select interpreter", "Show logs").then((choice) => {
        if (choice === "Select interpreter") void this.selectInterpreter();
        if (choice === "Show logs") this.log.show();
      });
      return;
    }
    this.log.info(`Python ${this.interpreter.version}: ${this.interpreter.path} (from ${this.interpreter.source})`);
    const script = this.serverScript();
    if (!fs.existsSync(script)) {
      const message = `The server launcher is missing from the extension (${script}); reinstall the extension.`;
      this.log.error(message);
      void vscode.window.showErrorMessage(`${NAME}: ${message}`);
      return;
    }
    // The server runs in the workspace folder (the probe runs scripts from there) but never imports from it:
    // a script's folder (bundled/tool), not the working folder, is on sys.path, and -E ignores PYTHONPATH
    // (an empty entry in it would mean the working folder), PYTHONSTARTUP and the other PYTHON* variables.
    // The environment is passed on unchanged, so that the probe still runs the user's script with them.
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const serverOptions: ServerOptions = {
      command: this.interpreter.path,
      args: ["-E", "-u", script],
      // No `transport`: stdio without the `--stdio` argument that TransportKind.stdio would append.
      options: {
        cwd,
        env: { ...process.env, PYTHONUNBUFFERED: "1", PYTHONIOENCODING: "utf-8", TF_CPP_MIN_LOG_LEVEL: "2" },
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "python" },
        { scheme: "untitled", language: "python" },
        { scheme: "vscode-notebook", language: "python" },
        { scheme: "vscode-notebook-cell", language: "python" },
      ],
      outputChannel: this.log,
      traceOutputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: {
        settings: this.settingsFor(resource),
        // The shipped docs/rules.md: the server links each diagnostic's code (codeDescription.href) and the
        // hover to the rule's heading in it, so rule links open offline. (VS Code no longer runs command:
        // URIs from diagnostic links, so the explain view is reached with "Learnability: Explain rule".)
        rulesDocument: vscode.Uri.joinPath(this.context.extensionUri, "docs", "rules.md").toString(),
      },
      markdown: { isTrusted: false, supportHtml: false },
      middleware: {
        executeCommand: (command, args, next) =>
          command === PROBE_COMMAND
            ? this.probeFromCommand(args, () => Promise.resolve(next(command, args) as unknown))
            : (next(command, args) as unknown),
        workspace: {
          configuration: (params: ConfigurationParams, token, next) => {
            // Answer the "learnability" section with the mapped settings; pass others through.
            if (!params.items.some((item) => item.section === "learnability")) return next(params, token);
            const rest = params.items.filter((item) => item.section !== "learnability");
            const restAnswer = rest.length ? next({ items: rest }, token) : [];
            return Promise.resolve(restAnswer).then((answers) => {
              if (!Array.isArray(answers)) return answers;
              const others: unknown[] = answers;
              let i = 0;
              return params.items.map((item) =>
                item.section === "learnability"
                  ? this.settingsFor(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
                  : others[i++],
              );
            });
          },
        },
      },
    };
    const client = new LearnabilityClient("learnability", NAME, serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped) this.updateStatus("server stopped");
      else this.updateStatus();
    });
    try {
      await client.start();
      this.progress = new ProgressHandler(client);
      client.onNotification(REPORT_NOTIFICATION, (params: { uri?: string; report?: ProbeReport }) => {
        if (params?.report) this.onReport(params.report, params.uri, false);
      });
      this.log.info("Server started");
    } catch (err) {
      const message = `The language server did not start: ${err instanceof Error ? err.message : String(err)}`;
      this.log.error(message);
      this.updateStatus(message);
      void vscode.window.showErrorMessage(`${NAME}: ${message}`, "Show logs").then((c) => c && this.log.show());
    }
    this.updateStatus();
  }

  private async stopNow(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.reports.clear(); // the new server knows no probe results: neither does the status bar
    this.progress?.dispose();
    this.progress = undefined;
    if (!client) return;
    try {
      await client.stop(5000);
    } catch (err) {
      this.log.warn(`Stopping the server: ${String(err)}`);
    }
    try {
      await client.dispose();
    } catch {
      // already disposed
    }
  }

  async dispose(): Promise<void> {
    await this.enqueue(() => this.stopNow());
    this.panel.dispose();
  }

  // ---------------------------------------------------------------- commands and events

  private registerCommands(): void {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- VS Code hands commands untyped arguments; each handler declares what it takes
    const reg = (id: string, fn: (...args: any[]) => unknown) =>
      this.context.subscriptions.push(vscode.commands.registerCommand(id, fn));
    reg("learnability.restart", () => this.restart("restart command"));
    reg("learnability.showLogs", () => this.log.show());
    reg("learnability.probeCurrentFile", (uri?: vscode.Uri) => this.probe(uri));
    reg("learnability.showProbeReport", () => this.showLastReport());
    reg("learnability.explainRule", (ruleId?: string) => this.explain(ruleId));
    reg("learnability.selectInterpreter", () => this.selectInterpreter());
    this.context.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, {
        onDidChange: this.explainChanged.event,
        provideTextDocumentContent: (uri) => this.explanations.get(uri.path) ?? "",
      }),
    );
  }

  private registerListeners(): void {
    this.context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration("learnability")) return;
        if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
          void this.restart("interpreter setting changed");
          return;
        }
        const client = this.client;
        if (client?.isRunning()) {
          const scope = vscode.workspace.workspaceFolders?.[0]?.uri;
          void client
            .sendNotification(DidChangeConfigurationNotification.type, { settings: { learnability: this.settingsFor(scope) } })
            .catch((err) => this.log.warn(`didChangeConfiguration: ${String(err)}`));
        }
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.restart("workspace trusted")),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateStatus()),
      vscode.window.onDidChangeActiveNotebookEditor(() => this.updateStatus()),
    );
    void onPythonEnvironmentChanged(() => {
      const setting = vscode.workspace.getConfiguration("learnability").get<string>("interpreter");
      if (!setting?.trim() && vscode.workspace.isTrusted) void this.restart("Python environment changed");
    }, this.log).then((d) => d && this.context.subscriptions.push(d));
  }

  private updateStatus(problem?: string): void {
    const s = this.status;
    if (problem) {
      s.text = "$(warning) Learnability";
      s.tooltip = `${NAME}: ${problem}`;
      s.command = "learnability.showLogs";
      s.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
      s.show();
      return;
    }
    s.backgroundColor = undefined;
    if (this.probing) {
      s.text = "$(sync~spin) Probing…";
      s.tooltip = "The learnability probe is training your model";
      s.command = "learnability.showLogs";
      s.show();
      return;
    }
    const report = this.reports.get(this.activeUri());
    s.text = statusBarText(report);
    const interp = this.interpreter ? `\nPython ${this.interpreter.version}: ${this.interpreter.path}` : "";
    s.tooltip = report
      ? `Last probe: ${verdictLabel(report.verdict)}${report.summary ? `: ${report.summary}` : ""}${interp}\nClick to show the report.`
      : `${NAME}${interp}\nRun "Learnability: Run learnability probe" on a Keras script.`;
    s.command = report ? "learnability.showProbeReport" : "learnability.probeCurrentFile";
    const doc = vscode.window.activeTextEditor?.document;
    if (report || doc?.languageId === "python" || vscode.window.activeNotebookEditor) s.show();
    else s.hide();
  }

  /** The active file's URI, or the notebook's for a cell (the probe reports by notebook). */
  private activeUri(): string | undefined {
    const editor = vscode.window.activeTextEditor;
    const nb = vscode.window.activeNotebookEditor?.notebook;
    if (nb && (!editor || editor.document.uri.scheme === "vscode-notebook-cell")) return nb.uri.toString();
    return editor?.document.uri.toString();
  }

  // ---------------------------------------------------------------- probe

  private targetUri(arg?: vscode.Uri): vscode.Uri | undefined {
    if (arg instanceof vscode.Uri) return arg;
    const nb = vscode.window.activeNotebookEditor?.notebook;
    const editor = vscode.window.activeTextEditor;
    if (editor && editor.document.languageId === "python" && editor.document.uri.scheme === "file") return editor.document.uri;
    if (nb && nb.uri.scheme === "file") return nb.uri;
    return editor?.document.uri.scheme === "file" ? editor.document.uri : undefined;
  }

  /** Fast check (no import) that the probe's interpreter has a Keras backend it trains on (TRAINABLE_SNIPPET). */
  private async hasTensorflow(python: string): Promise<boolean> {
    if (this.tensorflowOk.has(python)) return true;
    const r = await runPython(python, ["-c", TRAINABLE_SNIPPET], 20000);
    if (r.code === 0) this.tensorflowOk.add(python);
    else if (r.code !== 3) return true; // could not tell: let the probe say what is wrong
    return r.code === 0;
  }

  /**
   * The interpreter quick pick. With the Python extension installed and learnability.interpreter unset,
   * the Python extension's own picker (its selection is what Learnability follows); else ours.
   */
  private async selectInterpreter(): Promise<void> {
    const setting = vscode.workspace.getConfiguration("learnability").get<string>("interpreter") ?? "";
    if (!setting.trim() && vscode.workspace.isTrusted && (await getPythonApi(this.log))) {
      await vscode.commands.executeCommand("python.setInterpreter");
      return;
    }
    const chosen = await pickInterpreter(this.interpreter?.path, this.log);
    if (chosen) this.log.info(`Interpreter selected: ${chosen}`);
  }

  /**
   * TensorFlow is missing from the probe's interpreter: offer to install it there when that is a
   * virtual, conda or pyenv environment; never into a system Python or a pyenv shim, where a new `.venv`
   * in the workspace folder is offered instead.
   */
  private async offerTensorflowInstall(python: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const kind = interpreterKind(python);
    const advice = tensorflowAdvice(python, kind, !!folder);
    const choice = await vscode.window.showErrorMessage(`${NAME}: ${advice.message}`, ...advice.actions);
    const installIn = (target: string) => {
      const term = vscode.window.createTerminal({ name: "Install TensorFlow" });
      term.show();
      term.sendText(tensorflowInstallCommand(target));
    };
    if (choice === "Install in terminal" && mayInstallInto(kind)) {
      installIn(python);
    } else if (choice === "Copy command") {
      await vscode.env.clipboard.writeText(tensorflowInstallCommand(python));
    } else if (choice === "Select interpreter") {
      await this.selectInterpreter();
    } else if (choice === "Create .venv" && folder) {
      try {
        const venv = await createVenv(folder, python);
        this.log.info(`Created ${venv}`);
        // the workspace's .venv is found by itself when no setting names another interpreter
        const setting = vscode.workspace.getConfiguration("learnability").get<string>("interpreter") ?? "";
        if (setting.trim()) await setInterpreterSetting(venv);
        else void this.restart("created .venv");
        installIn(venv);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.log.error(message);
        void vscode.window.showErrorMessage(`${NAME}: ${message}`, "Select interpreter").then((c) => c && this.selectInterpreter());
      }
    }
  }

  /** Whether the probe may run now for `uri`; explains why not (trust, server, TensorFlow). */
  private async probeAllowed(uri: vscode.Uri | undefined): Promise<boolean> {
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showWarningMessage(
        `${NAME}: the probe runs your script to train the model, so it is disabled in an untrusted workspace. Linting still works. Trust this workspace to run the probe.`,
        "Manage Workspace Trust",
      );
      if (choice) await vscode.commands.executeCommand("workbench.trust.manage");
      return false;
    }
    if (!uri) {
      void vscode.window.showWarningMessage(`${NAME}: open a Python file or notebook that trains a Keras model, then run the probe.`);
      return false;
    }
    if (this.probing) {
      void vscode.window.showInformationMessage(`${NAME}: a probe is already running.`);
      return false;
    }
    if (!this.client?.isRunning()) {
      await this.start();
      if (!this.client?.isRunning()) {
        void vscode.window
          .showErrorMessage(`${NAME}: the language server is not running, so the probe cannot start. See the logs.`, "Show logs")
          .then((c) => c && this.log.show());
        return false;
      }
    }
    const python = this.settingsFor(uri).interpreter || this.interpreter?.path;
    if (python && !(await this.hasTensorflow(python))) {
      this.log.warn(`TensorFlow not found in ${python}`);
      void this.offerTensorflowInstall(python);
      return false;
    }
    return true;
  }

  /** Runs one probe request (palette command or code lens), keeping the status bar in step. */
  private async runProbe(uri: vscode.Uri, send: () => Promise<unknown>): Promise<unknown> {
    this.probing = true;
    this.updateStatus();
    this.log.info(`Probe: ${uri.fsPath}`);
    try {
      const result = await send();
      // The server answers {ok, verdict, summary, report} (or the report itself); it also sends the
      // report as a notification, which has already shown it.
      const report = (result && typeof result === "object" && "report" in result ? result.report : result) as
        | ProbeReport
        | null
        | undefined;
      if (report && typeof report === "object" && "verdict" in report) this.onReport(report, uri.toString(), true);
      else {
        // refused (no Keras import, already running: the server has shown why) or cancelled
        const why = result && typeof result === "object" ? (result as { message?: unknown }).message : undefined;
        this.log.info(typeof why === "string" ? `Probe not run: ${why}` : "Probe ended without a report (cancelled?)");
      }
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`Probe failed: ${message}`);
      void vscode.window.showErrorMessage(`${NAME}: the probe failed: ${message}`, "Show logs").then((c) => c && this.log.show());
      return undefined;
    } finally {
      this.probing = false;
      this.updateStatus();
    }
  }

  /** The palette command: probe the active Python file or notebook through the server command. */
  async probe(arg?: vscode.Uri): Promise<void> {
    const uri = this.targetUri(arg);
    if (!(await this.probeAllowed(uri)) || !uri || !this.client) return;
    const client = this.client;
    await this.runProbe(uri, () => client.sendRequest(ExecuteCommandRequest.type, { command: PROBE_COMMAND, arguments: [uri.toString()] }));
  }

  /** The server command invoked from elsewhere (the code lens above fit): same checks. */
  private async probeFromCommand(args: unknown[], next: () => Promise<unknown>): Promise<unknown> {
    let uri: vscode.Uri | undefined;
    const first = args[0];
    if (typeof first === "string") uri = vscode.Uri.parse(first);
    else if (first instanceof vscode.Uri) uri = first;
    else uri = this.targetUri();
    if (!(await this.probeAllowed(uri)) || !uri) return null;
    return this.runProbe(uri, next);
  }

  private onReport(report: ProbeReport, uri: string | undefined, fromRequest: boolean): void {
    if (isCancelledReport(report)) {
      this.log.info("Probe cancelled");
      if (fromRequest) void vscode.window.showInformationMessage(`${NAME}: probe cancelled.`);
      return;
    }
    const same = this.lastReport && JSON.stringify(this.lastReport.report) === JSON.stringify(report);
    this.lastReport = { report, uri };
    if (uri) this.reports.set(vscode.Uri.parse(uri).toString(), report);
    void this.context.workspaceState.update("learnability.lastReport", this.lastReport);
    this.updateStatus();
    const missingTf = isMissingTensorflow(report);
    const python = this.interpreter?.path ?? "python3";
    if (same && this.panel.visible) {
      // the notification and the command's answer carry the same report: it is on screen already
      if (missingTf && fromRequest) void this.offerTensorflowInstall(python);
      return;
    }
    this.panel.show(report, uri ? vscode.Uri.parse(uri) : undefined, {
      notice: missingTf ? tensorflowAdvice(python, interpreterKind(python), !!vscode.workspace.workspaceFolders?.length).message : undefined,
    });
    if (missingTf && fromRequest) void this.offerTensorflowInstall(python);
    // (the server logs the verdict, once)
  }

  private showLastReport(): void {
    if (!this.lastReport) {
      void vscode.window.showInformationMessage(`${NAME}: no probe report yet. Run "Learnability: Run learnability probe" on a Keras script.`);
      return;
    }
    // the active file's own report when it has one (the status bar's), else the last one of any file
    const active = this.activeUri();
    const own = this.reports.get(active);
    const { report, uri } = own ? { report: own, uri: active } : this.lastReport;
    this.panel.show(report, uri ? vscode.Uri.parse(uri) : undefined, { preserveFocus: false });
  }

  // ---------------------------------------------------------------- explain

  private ruleAtCursor(): string | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    const pos = editor.selection.active;
    const diag = vscode.languages
      .getDiagnostics(editor.document.uri)
      .find((d) => d.source === "learnability" && d.range.contains(pos));
    const code = diag?.code;
    return typeof code === "object" ? String(code.value) : code !== undefined ? String(code) : undefined;
  }

  private async explain(ruleId?: string): Promise<void> {
    if (!this.client?.isRunning()) {
      void vscode.window.showErrorMessage(`${NAME}: the language server is not running.`);
      return;
    }
    let rule = typeof ruleId === "string" ? ruleId : this.ruleAtCursor();
    if (!rule) {
      const seen = new Set<string>();
      for (const [, diags] of vscode.languages.getDiagnostics()) {
        for (const d of diags) {
          if (d.source !== "learnability" && d.source !== "learnability-probe") continue;
          const c = typeof d.code === "object" ? d.code.value : d.code;
          if (c !== undefined) seen.add(String(c));
        }
      }
      let rules: RuleInfo[] = [];
      try {
        const answer: unknown = await this.client.sendRequest(ExecuteCommandRequest.type, { command: LIST_RULES_COMMAND, arguments: [] });
        if (Array.isArray(answer)) rules = answer as RuleInfo[];
      } catch (err) {
        this.log.warn(`Listing the rules: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!rules.length) rules = [...seen].map((id) => ({ id, title: "" })); // at least the ones in the files
      // Esc closes the picker and that is all (no second input box)
      const picked = await vscode.window.showQuickPick(rulePickItems(rules, seen), {
        placeHolder: "Rule or probe check to explain",
        matchOnDescription: true,
        matchOnDetail: true,
      });
      rule = picked?.rule;
    }
    if (!rule) return;
    rule = rule.trim().toUpperCase();
    try {
      const result: unknown = await this.client.sendRequest(ExecuteCommandRequest.type, { command: EXPLAIN_COMMAND, arguments: [rule] });
      const md =
        typeof result === "string"
          ? result
          : result && typeof result === "object" && typeof (result as { markdown?: unknown }).markdown === "string"
            ? (result as { markdown: string }).markdown
            : undefined;
      if (!md) {
        void vscode.window.showWarningMessage(`${NAME}: no explanation for ${rule}.`);
        return;
      }
      const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${rule}.md` });
      this.explanations.set(uri.path, md);
      this.explainChanged.fire(uri);
      await vscode.commands.executeCommand("markdown.showPreviewToSide", uri);
    } catch (err) {
      void vscode.window.showErrorMessage(`${NAME}: could not explain ${rule}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
