// The probe report webview: one panel, refreshed with each report; links reveal lines in the file.

import * as crypto from "node:crypto";
import * as vscode from "vscode";
import { escapeHtml, FixTarget, ProbeReport, pickFixAction, renderReportHtml, revealCellIndex, revealRange } from "./report";

/** Whether a report's file is a notebook, to be opened as one (not as its JSON). */
function isNotebook(uri: vscode.Uri): boolean {
  return uri.path.toLowerCase().endsWith(".ipynb") || vscode.workspace.notebookDocuments.some((d) => d.uri.toString() === uri.toString());
}

/** The notebook document for a report's URI, opened as a notebook when it is not open yet. */
async function notebookOf(uri: vscode.Uri): Promise<vscode.NotebookDocument> {
  return vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openNotebookDocument(uri));
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
    const m = msg as { type?: string; cell?: number; line?: number; column?: number; endLine?: number; endColumn?: number; id?: string; targets?: FixTarget[] };
    if (m?.type === "applyFix" && this.uri) {
      const text = await this.applyFixes(this.uri, Array.isArray(m.targets) ? m.targets : []);
      void this.panel?.webview.postMessage({ type: "fixResult", id: m.id, ok: text.ok, text: text.text });
      return;
    }
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
    const nb = await notebookOf(uri);
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
      // a notebook's findings are in its cells (their lines count in the cell): ask each cell's document
      const nb = isNotebook(uri) ? await notebookOf(uri) : undefined;
      if (!nb) await vscode.workspace.openTextDocument(uri);
      for (const t of targets) {
        const r = revealRange(t);
        const index = revealCellIndex(t);
        const doc = nb ? (index !== undefined && index < nb.cellCount ? nb.cellAt(index).document.uri : undefined) : uri;
        if (!r || !doc) continue;
        const range = new vscode.Range(r.startLine, r.startColumn, r.endLine, r.endColumn);
        const actions =
          (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
            "vscode.executeCodeActionProvider",
            doc,
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
