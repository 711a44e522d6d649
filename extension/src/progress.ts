// Server-initiated work-done progress shown as a notification with a Cancel button when the server says
// it is cancellable (the probe), in the status bar otherwise. vscode-languageclient's own handler only
// uses the status bar, where there is no Cancel button; this one replaces it.

import * as vscode from "vscode";
import {
  LanguageClient,
  ProgressToken,
  WorkDoneProgress,
  WorkDoneProgressBegin,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateRequest,
  WorkDoneProgressReport,
} from "vscode-languageclient/node";

class Part {
  private progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
  private resolve: (() => void) | undefined;
  private reported = 0;
  private ended = false;
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly client: LanguageClient,
    private readonly token: ProgressToken,
    private readonly onDone: (p: Part) => void,
  ) {
    this.sub = client.onProgress(WorkDoneProgress.type, token, (value) => {
      if (value.kind === "begin") this.begin(value);
      else if (value.kind === "report") this.report(value);
      else this.done();
    });
  }

  private begin(params: WorkDoneProgressBegin): void {
    if (this.ended) return;
    const location = params.cancellable ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
    void vscode.window.withProgress({ location, title: params.title, cancellable: !!params.cancellable }, (progress, cancel) => {
      if (this.ended) return Promise.resolve();
      this.progress = progress;
      cancel.onCancellationRequested(() => {
        void this.client.sendNotification(WorkDoneProgressCancelNotification.type, { token: this.token });
      });
      this.report(params);
      return new Promise<void>((resolve) => (this.resolve = resolve));
    });
  }

  private report(params: WorkDoneProgressReport | WorkDoneProgressBegin): void {
    if (!this.progress) return;
    if (typeof params.percentage === "number") {
      const pct = Math.max(0, Math.min(100, params.percentage));
      const increment = Math.max(0, pct - this.reported);
      this.reported += increment;
      this.progress.report({ message: params.message, increment });
    } else if (params.message) {
      this.progress.report({ message: params.message });
    }
  }

  done(): void {
    if (this.ended) return;
    this.ended = true;
    this.sub.dispose();
    this.resolve?.();
    this.onDone(this);
  }
}

export class ProgressHandler implements vscode.Disposable {
  private readonly parts = new Set<Part>();

  /** Installs the handler on a started client (replacing vscode-languageclient's status-bar-only one). */
  constructor(client: LanguageClient) {
    client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      this.parts.add(new Part(client, token, (p) => this.parts.delete(p)));
    });
  }

  dispose(): void {
    for (const p of [...this.parts]) p.done();
  }
}
