// The probe report webview: one panel, refreshed with each report; links reveal lines in the file.

import * as crypto from "node:crypto";
import * as vscode from "vscode";
import { escapeHtml, ProbeReport, renderReportHtml, revealRange } from "./report";

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
    const m = msg as { type?: string; line?: number; column?: number; endLine?: number; endColumn?: number };
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

  dispose(): void {
    this.panel?.dispose();
  }
}
