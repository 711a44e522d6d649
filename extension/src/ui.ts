// Small pure pieces of the extension's UI (no `vscode` import, so unit tests run them under node):
// which report the status bar shows, the Explain picker's items, the language client's exit log level.

/** A probe report as far as the status bar needs it. */
export interface VerdictHolder {
  verdict: string;
}

/**
 * The last probe report of each probed file (or notebook), by its URI: the status bar shows the active
 * file's own last verdict and nothing for a file never probed. Held in memory only, so a server restart
 * (which forgets the reports it amended the diagnostics with) or a new window starts empty.
 */
export class ReportsByFile<R extends VerdictHolder> {
  private readonly reports = new Map<string, R>();

  set(uri: string, report: R): void {
    this.reports.set(uri, report);
  }

  /** The report for the active document; `undefined` for a document never probed or no document. */
  get(uri: string | undefined): R | undefined {
    return uri === undefined ? undefined : this.reports.get(uri);
  }

  clear(): void {
    this.reports.clear();
  }

  get size(): number {
    return this.reports.size;
  }
}

/** A rule or probe check as `learnability.listRules` answers it. */
export interface RuleInfo {
  id: string;
  title: string;
  summary?: string;
}

export interface RulePickItem {
  label: string;
  description: string;
  detail?: string;
  rule: string;
}

/**
 * The Explain picker's items: every rule and probe check with its title; those reported in the open
 * files come first, marked. `seen` holds rule ids from the current diagnostics.
 */
export function rulePickItems(rules: readonly RuleInfo[], seen: ReadonlySet<string> = new Set()): RulePickItem[] {
  const items = rules.map((r) => ({
    label: r.id,
    description: seen.has(r.id) ? `${r.title} (in your files)` : r.title,
    detail: r.summary || undefined,
    rule: r.id,
  }));
  const rank = (i: RulePickItem) => (seen.has(i.rule) ? 0 : 1);
  return items.sort((a, b) => rank(a) - rank(b) || a.rule.localeCompare(b.rule));
}

/** vscode-languageclient logs every server exit at error level; exit code 0 is a clean stop (restart, shutdown). */
export function isCleanExitMessage(message: string): boolean {
  return /^Server process exited with code 0\.?$/.test(message.trim());
}
