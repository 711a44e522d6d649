// The probe report webview: one panel, refreshed with each report; links reveal lines in the file.

import * as crypto from "node:crypto";
import * as vscode from "vscode";
import { escapeHtml, FixTarget, ProbeReport, pickFixAction, renderReportHtml, revealRange } from "./report";

export class ReportPanel {
  static readonly viewType = "learnability.probeReport";
  private panel: vscode.WebviewPanel | undefined;
  private uri: vscode.Uri | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  get visible(): boolean {
    return !!this.panel?.visible;
  }

  show(report: ProbeReport, uri: vscode.Uri | undefined, opts: { notice?: string; preserveFocus?: boolean } = {}): void {
    this.uri = uri ?? (report.file ? vscode.Uri.file(report.file) : undefined);
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        ReportPanel.viewType,
        "Learnability probe",
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: opts.preserveFocus ?? true },
        { enableScripts: true, localResourceRoots: [], enableFindWidget: true },
      );
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage((msg) => this.onMessage(msg));
    } else {
      this.panel.reveal(undefined, opts.preserveFocus ?? true);
    }
    const name = this.uri ? this.uri.path.split("/").pop() : undefined;
    this.panel.title = name ? `Probe: ${name}` : "Learnability probe";
    this.panel.webview.html = renderReportHtml(report, {
      nonce: crypto.randomBytes(16).toString("base64"),
      cspSource: this.panel.webview.cspSource,
      notice: opts.notice ? escapeHtml(opts.notice) : undefined,
    });
  }

  private async onMessage(msg: unknown): Promise<void> {
    const m = msg as { type?: string; line?: number; column?: number; endLine?: number; endColumn?: number; id?: string; targets?: FixTarget[] };
    if (m?.type === "applyFix" && this.uri) {
      const text = await this.applyFixes(this.uri, Array.isArray(m.targets) ? m.targets : []);
      void this.panel?.webview.postMessage({ type: "fixResult", id: m.id, ok: text.ok, text: text.text });
      return;
    }
    if (m?.type !== "reveal" || !this.uri) return;
    const r = revealRange(m);
    if (!r) return;
    try {
      const range = new vscode.Range(r.startLine, r.startColumn, r.endLine, r.endColumn);
      const doc = await vscode.workspace.openTextDocument(this.uri);
      const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.uri?.toString());
      const editor = await vscode.window.showTextDocument(doc, {
        viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
        selection: range,
        preserveFocus: false,
      });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (err) {
      this.log.warn(`Could not reveal ${this.uri.toString()}:${m.line}: ${String(err)}`);
    }
  }

  /**
   * Applies the fixes of the report's causes through the language server's own quick fixes (the ones Ctrl+. offers
   * on each finding, with their version checks): every action is asked for before any is applied, then all their
   * edits go in as one edit (one undo).
   */
  private async applyFixes(uri: vscode.Uri, targets: FixTarget[]): Promise<{ ok: boolean; text: string }> {
    const edit = new vscode.WorkspaceEdit();
    const taken: vscode.Range[] = [];
    let applied = 0;
    const missing: string[] = [];
    try {
      await vscode.workspace.openTextDocument(uri);
      for (const t of targets) {
        const r = revealRange(t);
        if (!r) continue;
        const range = new vscode.Range(r.startLine, r.startColumn, r.endLine, r.endColumn);
        const actions =
          (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
            "vscode.executeCodeActionProvider",
            uri,
            range,
            vscode.CodeActionKind.QuickFix.value,
          )) ?? [];
        const action = pickFixAction(actions.filter((a): a is vscode.CodeAction => "edit" in a || "kind" in a), t.rule);
        if (!action?.edit) {
          missing.push(`${t.rule} (line ${t.line})`);
          continue;
        }
        for (const [u, edits] of action.edit.entries()) {
          for (const e of edits) {
            const clash = taken.some((x) => {
              const i = x.intersection(e.range);
              return i !== undefined && (!i.isEmpty || x.isEqual(e.range));
            });
            if (clash) continue; // two findings' fixes that touch the same text: the first one wins
            taken.push(e.range);
            edit.replace(u, e.range, e.newText);
          }
        }
        applied++;
      }
      if (applied && !(await vscode.workspace.applyEdit(edit))) return { ok: false, text: "the editor refused the edit" };
    } catch (err) {
      this.log.warn(`Could not apply the probe report's fixes: ${String(err)}`);
      return { ok: false, text: String(err) };
    }
    if (!applied) return { ok: false, text: `no fix offered for ${missing.join(", ")}: has the file changed since the probe?` };
    const text = `applied${missing.length ? `; not offered: ${missing.join(", ")}` : ""}; run the probe again to measure`;
    this.log.info(`Applied ${applied} fix(es) from the probe report to ${uri.toString()}`);
    return { ok: true, text };
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
