// The probe report webview: one panel, refreshed with each report; links reveal lines in the file.

import * as crypto from "node:crypto";
import * as vscode from "vscode";
import { escapeHtml, ProbeReport, renderReportHtml, revealCellIndex, revealRange } from "./report";

/** Whether a report's file is a notebook, to be opened as one (not as its JSON). */
function isNotebook(uri: vscode.Uri): boolean {
  return uri.path.toLowerCase().endsWith(".ipynb") || vscode.workspace.notebookDocuments.some((d) => d.uri.toString() === uri.toString());
}

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
    const m = msg as { type?: string; cell?: number; line?: number; column?: number; endLine?: number; endColumn?: number };
    if (m?.type !== "reveal" || !this.uri) return;
    const r = revealRange(m);
    if (!r) return;
    const range = new vscode.Range(r.startLine, r.startColumn, r.endLine, r.endColumn);
    try {
      if (isNotebook(this.uri)) await this.revealInNotebook(this.uri, revealCellIndex(m), range);
      else await this.revealInFile(this.uri, range);
    } catch (err) {
      this.log.warn(`Could not reveal ${this.uri.toString()}:${m.cell ? `cell ${m.cell}:` : ""}${m.line}: ${String(err)}`);
    }
  }

  private async revealInFile(uri: vscode.Uri, range: vscode.Range): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(uri);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const editor = await vscode.window.showTextDocument(doc, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      selection: range,
      preserveFocus: false,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Opens the notebook (as a notebook, not its JSON), selects the cell and puts the cursor on the line in it. */
  private async revealInNotebook(uri: vscode.Uri, cellIndex: number | undefined, range: vscode.Range): Promise<void> {
    const nb =
      vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString()) ??
      (await vscode.workspace.openNotebookDocument(uri));
    const visible = vscode.window.visibleNotebookEditors.find((e) => e.notebook.uri.toString() === uri.toString());
    const index = cellIndex !== undefined && cellIndex < nb.cellCount ? cellIndex : undefined;
    const cells = index !== undefined ? [new vscode.NotebookRange(index, index + 1)] : undefined;
    const editor = await vscode.window.showNotebookDocument(nb, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      selections: cells,
      preserveFocus: false,
    });
    if (index === undefined || !cells) return;
    editor.revealRange(cells[0], vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
    // the cell's own editor: the cursor on the line, as a Problems-panel click does
    const cellDoc = nb.cellAt(index).document;
    const cellEditor = await vscode.window.showTextDocument(cellDoc, { viewColumn: editor.viewColumn, selection: range, preserveFocus: false });
    cellEditor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
