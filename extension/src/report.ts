// The probe report: its shape (version 1, as the server sends it), verdict labels, and the webview
// HTML with inline SVG plots. Pure: no `vscode`, no network, every string escaped.

export type Verdict = "learns" | "learns_slowly" | "does_not_learn" | "inconclusive" | "error";

export interface ProbeLayer {
  name: string;
  kind?: string;
  line?: number | null;
  grad_norm?: number | null;
  saturation?: number | null;
  dead_fraction?: number | null;
  update_ratio?: number | null;
}

export interface ProbeFinding {
  rule: string;
  category?: string;
  severity?: string;
  line?: number | null;
  column?: number | null;
  end_line?: number | null;
  end_column?: number | null;
  message: string;
  evidence?: unknown;
  confirmed?: boolean | null;
  /** "confirmed", "not confirmed", "undecided", "not tested", "not applicable" or "symptom" (older reports: absent). */
  status?: string | null;
  /** Why a finding is confirmed: "sufficient", "necessary", "sufficient and necessary" or "measured". */
  how?: string | null;
  confirms?: string[] | null;
  before?: unknown;
  after?: unknown;
}

export interface ProbeReport {
  version?: number;
  file?: string;
  verdict: string; // a Verdict; a newer server may send one this extension does not know
  device?: string;
  summary?: string;
  message?: string;
  metrics?: Record<string, unknown>;
  layers?: ProbeLayer[];
  findings?: ProbeFinding[];
  curves?: Record<string, unknown>;
  plots?: Record<string, unknown>;
  timing?: Record<string, unknown>;
}

export const VERDICT_LABELS: Record<Verdict, string> = {
  learns: "Learns",
  learns_slowly: "Learns slowly",
  does_not_learn: "Does not learn",
  inconclusive: "Inconclusive",
  error: "Probe error",
};

const VERDICT_ICONS: Record<Verdict, string> = {
  learns: "$(pass)",
  learns_slowly: "$(watch)",
  does_not_learn: "$(error)",
  inconclusive: "$(question)",
  error: "$(warning)",
};

export function verdictLabel(verdict: string): string {
  return VERDICT_LABELS[verdict as Verdict] ?? verdict.replace(/_/g, " ");
}

/** Status bar text for the last verdict, e.g. "$(error) Does not learn". */
export function statusBarText(report: ProbeReport | undefined): string {
  if (!report) return "$(beaker) Learnability";
  const icon = VERDICT_ICONS[report.verdict as Verdict] ?? "$(beaker)";
  return `${icon} ${verdictLabel(report.verdict)}`;
}

/** True when the report says the probe could not import TensorFlow in the user's interpreter. */
export function isMissingTensorflow(report: ProbeReport | undefined): boolean {
  if (!report || report.verdict !== "error") return false;
  const text = [report.summary, report.message, ...(report.findings ?? []).map((f) => f.message)]
    .filter((s): s is string => typeof s === "string")
    .join("\n");
  return /No module named ['"]?(tensorflow|keras)\b|tensorflow (is )?(not installed|missing)|cannot import tensorflow/i.test(text);
}

/** True for the report of a probe the user cancelled (the probe answers "inconclusive" / "cancelled"). */
export function isCancelledReport(report: ProbeReport | undefined): boolean {
  return !!report && report.verdict === "inconclusive" && /^\s*cancel+ed\b/i.test(String(report.summary ?? report.message ?? ""));
}

/** A value as text: strings as they are, objects as JSON (never "[object Object]"), null and undefined as "". */
function asText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return typeof value; // a symbol or a function: not data a report holds
}

export function escapeHtml(value: unknown): string {
  return asText(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export function formatNumber(value: unknown): string {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value !== "number") return asText(value);
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (Number.isInteger(value) && abs < 1e6) return String(value);
  if (abs >= 1e4 || abs < 1e-3) return value.toExponential(2);
  return value.toPrecision(3).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

function percent(value: unknown): string {
  return typeof value === "number" && Number.isFinite(value) ? `${(value * 100).toFixed(0)}%` : formatNumber(value);
}

/** A compact text for evidence / before / after values that may be numbers, strings or objects. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return formatNumber(value);
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(describeValue).join(", ");
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k.replace(/_/g, " ")}: ${typeof v === "object" && v !== null ? JSON.stringify(v) : formatNumber(v)}`)
      .join("; ");
  }
  return asText(value);
}

/**
 * A loss curve as a list of [x, y] points. Accepts the shapes a probe may send: `[0.69, 0.68, ...]`,
 * `[[step, loss], ...]`, `[{step, loss}, ...]`, or `{steps: [...], loss: [...]}`.
 */
export function curvePoints(curve: unknown): [number, number][] {
  const pts: [number, number][] = [];
  const push = (x: unknown, y: unknown) => {
    if (typeof x === "number" && typeof y === "number" && Number.isFinite(x) && Number.isFinite(y)) pts.push([x, y]);
  };
  if (Array.isArray(curve)) {
    curve.forEach((item, i) => {
      if (typeof item === "number") push(i, item);
      else if (Array.isArray(item)) push(item[0], item[1]);
      else if (item && typeof item === "object") {
        const o = item as Record<string, unknown>;
        push(o.step ?? o.x ?? o.epoch ?? i, o.loss ?? o.y ?? o.value);
      }
    });
  } else if (curve && typeof curve === "object") {
    const o = curve as Record<string, unknown>;
    const ys = o.loss ?? o.y ?? o.values;
    const xs = o.steps ?? o.step ?? o.x;
    if (Array.isArray(ys)) ys.forEach((y, i) => push(Array.isArray(xs) ? xs[i] : i, y));
  }
  return pts;
}

const COMPARE_KEYS: [string, string, (v: unknown) => string][] = [
  ["steps_to_fit", "steps to fit a batch", (v) => formatNumber(v)],
  ["loss_at_k", "loss at step k", (v) => formatNumber(v)],
  ["final_loss", "final loss", (v) => formatNumber(v)],
  ["held_out_accuracy", "held-out accuracy", (v) => percent(v)],
  ["train_accuracy", "training accuracy", (v) => percent(v)],
];

/** "steps to fit a batch 7 → 14; ..." for before/after measurements (objects or plain values). */
export function compareBeforeAfter(before: unknown, after: unknown): string {
  return comparisonRows(before, after).join("; ");
}

/** One "label before → after" line per measured quantity. */
export function comparisonRows(before: unknown, after: unknown): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
  if (isObj(before) || isObj(after)) {
    const b = isObj(before) ? before : {};
    const a = isObj(after) ? after : {};
    const parts: string[] = [];
    for (const [key, label, fmt] of COMPARE_KEYS) {
      if (b[key] === undefined && a[key] === undefined) continue;
      const k = typeof b.k === "number" ? b.k : a.k;
      const text = key === "loss_at_k" && typeof k === "number" ? `loss at step ${k}` : label;
      parts.push(`${text} ${fmt(b[key])} → ${fmt(a[key])}`);
    }
    if (parts.length === 0) {
      for (const key of Object.keys(b)) {
        if (typeof b[key] === "number" && typeof a[key] === "number") parts.push(`${key.replace(/_/g, " ")} ${formatNumber(b[key])} → ${formatNumber(a[key])}`);
      }
    }
    return parts;
  }
  if (before === undefined || before === null) return [];
  return [`${describeValue(before)} → ${describeValue(after)}`];
}

/** Nested measurements as [dotted key, text] rows (arrays longer than 8 are left out). */
export function flattenMetrics(obj: Record<string, unknown> | undefined, prefix = "", depth = 0, out: [string, string][] = []): [string, string][] {
  for (const [k, v] of Object.entries(obj ?? {})) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      if (depth < 2) flattenMetrics(v as Record<string, unknown>, key, depth + 1, out);
      else out.push([key, JSON.stringify(v).slice(0, 120)]);
    } else if (Array.isArray(v)) {
      if (v.length <= 8) out.push([key, v.map((x) => (typeof x === "object" ? JSON.stringify(x) : formatNumber(x))).join(", ")]);
    } else {
      out.push([key, formatNumber(v)]);
    }
  }
  return out;
}

const PALETTE = ["#e06c75", "#61afef", "#98c379", "#e5c07b", "#c678dd", "#56b6c2", "#d19a66", "#abb2bf"];

function niceTicks(min: number, max: number, count = 4): number[] {
  if (!(max > min)) return [min];
  const step = (max - min) / count;
  return Array.from({ length: count + 1 }, (_, i) => min + i * step);
}

/** Loss curves, as written and with each fix, as an inline SVG line chart. */
export function lossCurvesSvg(curves: Record<string, unknown> | undefined, width = 560, height = 260): string {
  const series = Object.entries(curves ?? {})
    .map(([name, c]) => ({ name, pts: curvePoints(c) }))
    .filter((s) => s.pts.length > 0)
    .sort((a, b) => (a.name === "as_written" ? -1 : b.name === "as_written" ? 1 : a.name.localeCompare(b.name)));
  if (series.length === 0) return `<p class="muted">No loss curves in this report.</p>`;
  const m = { l: 52, r: 12, t: 12, b: 36 };
  const xs = series.flatMap((s) => s.pts.map((p) => p[0]));
  const ys = series.flatMap((s) => s.pts.map((p) => p[1]));
  const x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
  const logY = ys.every((y) => y > 0) && Math.max(...ys) / Math.min(...ys) > 30;
  const ty = (y: number) => (logY ? Math.log10(y) : y);
  let [y0, y1] = [Math.min(...ys.map(ty)), Math.max(...ys.map(ty))];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (width - m.l - m.r);
  const syT = (t: number) => height - m.b - ((t - y0) / (y1 - y0)) * (height - m.t - m.b);
  const sy = (y: number) => syT(ty(y));
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" role="img" aria-label="Loss curves" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
  );
  for (const t of niceTicks(y0, y1)) {
    const label = logY ? Number((10 ** t).toPrecision(2)) : Number(t.toPrecision(3));
    parts.push(
      `<line class="grid" x1="${m.l}" x2="${width - m.r}" y1="${syT(t).toFixed(1)}" y2="${syT(t).toFixed(1)}"/>`,
      `<text class="tick" x="${m.l - 6}" y="${(syT(t) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(formatNumber(label))}</text>`,
    );
  }
  const xLabels = new Set<number>();
  for (const t of niceTicks(x0, x1)) {
    if (xLabels.has(Math.round(t))) continue;
    xLabels.add(Math.round(t));
    parts.push(
      `<text class="tick" x="${sx(Math.round(t)).toFixed(1)}" y="${height - m.b + 16}" text-anchor="middle">${escapeHtml(formatNumber(Math.round(t)))}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${height - m.b}"/>`,
    `<line class="axis" x1="${m.l}" x2="${width - m.r}" y1="${height - m.b}" y2="${height - m.b}"/>`,
    `<text class="label" x="${(m.l + width - m.r) / 2}" y="${height - 4}" text-anchor="middle">step</text>`,
    `<text class="label" transform="translate(12 ${(m.t + height - m.b) / 2}) rotate(-90)" text-anchor="middle">${logY ? "loss (log scale)" : "loss"}</text>`,
  );
  series.forEach((s, i) => {
    const color = s.name === "as_written" ? PALETTE[0] : PALETTE[1 + ((i - 1 + PALETTE.length - 1) % (PALETTE.length - 1))];
    const d = s.pts.map((p, j) => `${j ? "L" : "M"}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(" ");
    parts.push(
      `<path class="series" data-series="${escapeHtml(s.name)}" d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.name === "as_written" ? "" : ' stroke-dasharray="6 3"'}/>`,
    );
  });
  parts.push("</svg>");
  const legend = series
    .map((s, i) => {
      const color = s.name === "as_written" ? PALETTE[0] : PALETTE[1 + ((i - 1 + PALETTE.length - 1) % (PALETTE.length - 1))];
      const label = s.name === "as_written" ? "as written" : /^all$/i.test(s.name) ? "with all fixes" : `with the ${s.name} fix`;
      const last = s.pts[s.pts.length - 1][1];
      return `<span class="legend-item"><span class="swatch" style="background:${color}"></span>${escapeHtml(label)} <span class="muted">(final ${escapeHtml(formatNumber(last))})</span></span>`;
    })
    .join(" ");
  return `<figure class="plot">${parts.join("")}<figcaption class="legend">${legend}</figcaption></figure>`;
}

/** Per-layer gradient norms as a horizontal bar chart on a log10 scale. */
export function gradNormsSvg(layers: ProbeLayer[] | undefined, width = 560): string {
  const rows = (layers ?? []).filter((l) => typeof l.grad_norm === "number" && Number.isFinite(l.grad_norm));
  if (rows.length === 0) return `<p class="muted">No gradient norms in this report.</p>`;
  const rowH = 22;
  const m = { l: 150, r: 70, t: 8, b: 28 };
  const height = m.t + m.b + rows.length * rowH;
  const logs = rows.map((l) => Math.log10(Math.max(l.grad_norm as number, 1e-12)));
  let lo = Math.floor(Math.min(...logs));
  let hi = Math.ceil(Math.max(...logs));
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  const sx = (v: number) => m.l + ((v - lo) / (hi - lo)) * (width - m.l - m.r);
  const parts: string[] = [
    `<svg class="chart" role="img" aria-label="Gradient norm per layer" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
  ];
  for (let e = lo; e <= hi; e++) {
    parts.push(
      `<line class="grid" x1="${sx(e).toFixed(1)}" x2="${sx(e).toFixed(1)}" y1="${m.t}" y2="${height - m.b}"/>`,
      `<text class="tick" x="${sx(e).toFixed(1)}" y="${height - m.b + 14}" text-anchor="middle">1e${e}</text>`,
    );
  }
  rows.forEach((l, i) => {
    const y = m.t + i * rowH;
    const v = logs[i];
    const w = Math.max(1, sx(v) - m.l);
    parts.push(
      `<text class="tick" x="${m.l - 6}" y="${y + rowH / 2 + 4}" text-anchor="end">${escapeHtml(l.name.length > 22 ? "…" + l.name.slice(-21) : l.name)}</text>`,
      `<rect class="bar" data-layer="${escapeHtml(l.name)}" x="${m.l}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}"/>`,
      `<text class="tick" x="${(m.l + w + 4).toFixed(1)}" y="${y + rowH / 2 + 4}">${escapeHtml(formatNumber(l.grad_norm))}</text>`,
    );
  });
  parts.push(`<text class="label" x="${(m.l + width - m.r) / 2}" y="${height - 2}" text-anchor="middle">gradient norm (log scale)</text>`, "</svg>");
  return `<figure class="plot">${parts.join("")}</figure>`;
}

function lineLink(line: unknown, column?: unknown, endLine?: unknown, endColumn?: unknown, text?: string): string {
  if (typeof line !== "number" || line < 1) return text ? escapeHtml(text) : "–";
  const attrs = [
    `data-line="${line}"`,
    typeof column === "number" ? `data-column="${column}"` : "",
    typeof endLine === "number" ? `data-end-line="${endLine}"` : "",
    typeof endColumn === "number" ? `data-end-column="${endColumn}"` : "",
  ]
    .filter(Boolean)
    .join(" ");
  return `<a href="#" class="line-link" ${attrs} title="Go to line ${line}">${escapeHtml(text ?? `line ${line}`)}</a>`;
}

/** The words for a status or `how` id ("not_applicable" and "not applicable" both read "not applicable"). */
function words(id: string): string {
  return id.replace(/[_-]+/g, " ").replace(/\s+/g, " ").trim().toLowerCase();
}

const STATUS_CLASS: Record<string, string> = {
  confirmed: "ok",
  "not confirmed": "no",
  symptom: "symptom",
};

const STATUS_TITLES: Record<string, string> = {
  confirmed: "The probe retrained with the fix, or measured the cause",
  "not confirmed": "Removing this fix from the full set of fixes changes nothing",
  undecided: "Alone the fix does not help; the runs that would say whether it is necessary were not made",
  "not tested": "The probe did not test this finding",
  "not applicable": "About what is reported (a metric), not about training",
  symptom: "What training shows, not a cause: see the findings next to it",
};

const HOW_TITLES: Record<string, string> = {
  sufficient: "this fix alone makes it learn",
  necessary: "without this fix, all the others together do not make it learn",
  "sufficient and necessary": "this fix alone makes it learn, and the others do not without it",
  measured: "its own fix alone falls short, but the probe measured the cause",
};

/** The status of a finding in words: its `status` (and `how`), or for older reports its `confirmed`. */
export function findingStatus(f: Pick<ProbeFinding, "confirmed" | "status" | "how">): { status: string; how: string } {
  const status = typeof f.status === "string" && f.status.trim()
    ? words(f.status)
    : f.confirmed === true ? "confirmed" : f.confirmed === false ? "not confirmed" : "measured";
  const how = typeof f.how === "string" && f.how.trim() ? words(f.how) : "";
  return { status, how };
}

function statusBadge(f: ProbeFinding): string {
  const { status, how } = findingStatus(f);
  const cls = STATUS_CLASS[status] ?? "muted";
  const titleParts = [STATUS_TITLES[status], how ? HOW_TITLES[how] ?? how : ""].filter(Boolean);
  const title = titleParts.length ? `title="${escapeHtml(titleParts.join(": "))}" ` : "";
  const label = how ? `${status} (${how})` : status;
  return `<span ${title}class="badge ${cls}">${escapeHtml(label)}</span>`;
}

export interface RenderOptions {
  /** A fresh random nonce for the inline script and style. */
  nonce: string;
  /** The webview's `cspSource`. */
  cspSource: string;
  /** Extra notice shown above the report (e.g. how to install TensorFlow). */
  notice?: string;
}

export function contentSecurityPolicy(opts: RenderOptions): string {
  return [
    "default-src 'none'",
    `style-src ${opts.cspSource} 'nonce-${opts.nonce}'`,
    `script-src 'nonce-${opts.nonce}'`,
    `img-src ${opts.cspSource} data:`,
    `font-src ${opts.cspSource}`,
  ].join("; ");
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 24px; }
h1 { font-size: 1.4em; margin: 16px 0 4px; }
h2 { font-size: 1.1em; margin: 22px 0 8px; border-bottom: 1px solid var(--vscode-panel-border, #8884); padding-bottom: 4px; }
.verdict { display: inline-block; padding: 4px 10px; border-radius: 4px; font-weight: 600; }
.verdict.learns { background: #2e7d3233; color: var(--vscode-testing-iconPassed, #3fb950); }
.verdict.learns_slowly { background: #f9a82533; color: var(--vscode-editorWarning-foreground, #d29922); }
.verdict.does_not_learn, .verdict.error { background: #c6282833; color: var(--vscode-editorError-foreground, #f85149); }
.verdict.inconclusive { background: #8884; }
.muted { opacity: 0.7; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; border-bottom: 1px solid var(--vscode-panel-border, #8882); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { padding: 1px 6px; border-radius: 8px; font-size: 0.9em; white-space: nowrap; }
.badge.ok { background: #2e7d3240; }
.badge.no { background: #c6282840; }
.badge.muted { background: #8883; }
.badge.symptom { background: #8e24aa40; }
.chart { max-width: 100%; height: auto; }
.chart .grid { stroke: var(--vscode-editorLineNumber-foreground, #888); stroke-opacity: 0.25; }
.chart .axis { stroke: var(--vscode-foreground, #ccc); stroke-opacity: 0.6; }
.chart .tick, .chart .label { fill: var(--vscode-foreground, #ccc); font-size: 11px; }
.chart .bar { fill: var(--vscode-charts-blue, #61afef); }
.legend { margin-top: 4px; }
.legend-item { margin-right: 14px; white-space: nowrap; }
.swatch { display: inline-block; width: 12px; height: 3px; vertical-align: middle; margin-right: 4px; }
.notice { border-left: 3px solid var(--vscode-editorWarning-foreground, #d29922); padding: 6px 10px; background: #8881; }
code { font-family: var(--vscode-editor-font-family); }
.finding { padding: 6px 0 8px; border-bottom: 1px solid var(--vscode-panel-border, #8882); }
.finding-head { margin-bottom: 2px; }
.finding-msg { margin: 2px 0; }
.evidence { font-size: 0.95em; }
.compare { margin: 4px 0 0; padding-left: 18px; font-variant-numeric: tabular-nums; }
a.line-link { color: var(--vscode-textLink-foreground); text-decoration: none; }
a.line-link:hover { text-decoration: underline; }
`;

const SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (e) => {
  const a = e.target.closest && e.target.closest('a.line-link');
  if (!a) return;
  e.preventDefault();
  const n = (k) => a.dataset[k] === undefined ? undefined : Number(a.dataset[k]);
  vscode.postMessage({ type: 'reveal', line: n('line'), column: n('column'), endLine: n('endLine'), endColumn: n('endColumn') });
});
`;

/** The whole webview document for a report. */
export function renderReportHtml(report: ProbeReport, opts: RenderOptions): string {
  const verdict = String(report.verdict ?? "inconclusive");
  const file = report.file ? String(report.file) : "";
  const fileName = file.split(/[\\/]/).pop() ?? file;
  const out: string[] = [];
  out.push(
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(opts))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<title>Learnability probe${fileName ? ": " + escapeHtml(fileName) : ""}</title>`,
    `<style nonce="${escapeHtml(opts.nonce)}">${STYLE}</style>`,
    "</head><body>",
  );
  out.push(`<h1>Learnability probe${fileName ? ` — <code>${escapeHtml(fileName)}</code>` : ""}</h1>`);
  out.push(
    `<p><span class="verdict ${escapeHtml(verdict)}" id="verdict" data-verdict="${escapeHtml(verdict)}">${escapeHtml(verdictLabel(verdict))}</span>` +
      (report.device ? ` <span class="muted">on ${escapeHtml(report.device)}</span>` : "") +
      "</p>",
  );
  if (opts.notice) out.push(`<p class="notice">${opts.notice}</p>`);
  const summary = report.summary ?? report.message;
  if (summary) out.push(`<p class="summary">${escapeHtml(summary)}</p>`);

  out.push(`<h2>Loss curves</h2>`, lossCurvesSvg(report.curves));
  const findings = report.findings ?? [];
  out.push(`<h2>Findings</h2>`);
  if (findings.length === 0) {
    out.push(`<p class="muted">No findings.</p>`);
  } else {
    out.push('<div class="findings">');
    for (const f of findings) {
      const rows = comparisonRows(f.before, f.after);
      const evidence = describeValue(f.evidence);
      const confirms = f.confirms && f.confirms.length && !(f.confirms.length === 1 && f.confirms[0] === f.rule)
        ? ` <span class="muted">(confirms ${escapeHtml(f.confirms.join(", "))})</span>`
        : "";
      out.push(
        `<div class="finding" data-rule="${escapeHtml(f.rule)}">` +
          `<div class="finding-head">${statusBadge(f)} <code>${escapeHtml(f.rule)}</code> ${lineLink(f.line, f.column, f.end_line, f.end_column)}${confirms}</div>` +
          `<div class="finding-msg">${escapeHtml(f.message)}</div>` +
          (evidence && evidence !== f.message ? `<div class="evidence muted">${escapeHtml(evidence)}</div>` : "") +
          (rows.length ? `<ul class="compare">${rows.map((r) => `<li>${escapeHtml(r)}</li>`).join("")}</ul>` : "") +
          "</div>",
      );
    }
    out.push("</div>");
  }


  const layers = report.layers ?? [];
  out.push(`<h2>Layers</h2>`);
  if (layers.length === 0) {
    out.push(`<p class="muted">No per-layer measurements.</p>`);
  } else {
    out.push(gradNormsSvg(layers));
    out.push(
      '<table class="layers"><thead><tr><th>Layer</th><th>Kind</th><th>Line</th><th class="num">Grad norm</th><th class="num">Saturation</th><th class="num">Dead</th><th class="num">Update ratio</th></tr></thead><tbody>',
    );
    for (const l of layers) {
      out.push(
        `<tr><td><code>${escapeHtml(l.name)}</code></td><td>${escapeHtml(l.kind ?? "")}</td><td>${lineLink(l.line)}</td>` +
          `<td class="num">${escapeHtml(formatNumber(l.grad_norm))}</td><td class="num">${escapeHtml(percent(l.saturation))}</td>` +
          `<td class="num">${escapeHtml(percent(l.dead_fraction))}</td><td class="num">${escapeHtml(formatNumber(l.update_ratio))}</td></tr>`,
      );
    }
    out.push("</tbody></table>");
  }

  const metrics = flattenMetrics(report.metrics);
  if (metrics.length) {
    out.push(`<h2>Measurements</h2><details class="metrics-box"><summary>${metrics.length} values</summary><table class="metrics"><tbody>`);
    for (const [k, text] of metrics) {
      out.push(`<tr><th>${escapeHtml(k.replace(/_/g, " "))}</th><td class="num">${escapeHtml(text)}</td></tr>`);
    }
    out.push("</tbody></table></details>");
  }
  const timing = flattenMetrics(report.timing);
  if (timing.length) {
    out.push(
      `<p class="muted timing">Timing: ${timing
        .map(([k, v]) => `${escapeHtml(k.replace(/_s$/, "").replace(/_/g, " "))} ${escapeHtml(v)}${/^-?[\d.]+(e-?\d+)?$/.test(v) ? " s" : ""}`)
        .join(", ")}</p>`,
    );
  }
  out.push(`<script nonce="${escapeHtml(opts.nonce)}">${SCRIPT}</script>`, "</body></html>");
  return out.join("\n");
}

/**
 * The range to reveal for a webview message, in 0-based editor coordinates. Report lines and columns
 * are 1-based (as in `learnability check --format json`).
 */
export function revealRange(msg: { line?: number; column?: number; endLine?: number; endColumn?: number }):
  | { startLine: number; startColumn: number; endLine: number; endColumn: number }
  | undefined {
  if (typeof msg.line !== "number" || !Number.isFinite(msg.line) || msg.line < 1) return undefined;
  const startLine = msg.line - 1;
  const startColumn = typeof msg.column === "number" && msg.column >= 1 ? msg.column - 1 : 0;
  const endLine = typeof msg.endLine === "number" && msg.endLine >= msg.line ? msg.endLine - 1 : startLine;
  let endColumn = typeof msg.endColumn === "number" && msg.endColumn >= 1 ? msg.endColumn - 1 : startColumn;
  if (endLine === startLine && endColumn < startColumn) endColumn = startColumn;
  return { startLine, startColumn, endLine, endColumn };
}
