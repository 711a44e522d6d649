// The probe report: verdict labels, and the webview HTML with inline SVG plots. Pure: no `vscode`, no
// network, every string escaped.

// The report's types are generated from the server's (server/learnability/probe/messages.py ->
// schemas/probe-report.schema.json -> generated/probeReport.ts): never written here by hand.
import type { ProbeFinding, ProbeLayer, ProbeReport, ProbeTiming, Verdict } from "./generated/probeReport";

export type { FindingStatus, FitNumbers, ProbeFinding, ProbeLayer, ProbeMetrics, ProbeReport, ProbeTiming, Verdict } from "./generated/probeReport";

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
  const icon = VERDICT_ICONS[report.verdict] ?? "$(beaker)";
  return `${icon} ${verdictLabel(report.verdict)}`;
}

/** True when the report says the probe could not import TensorFlow in the user's interpreter. */
export function isMissingTensorflow(report: ProbeReport | undefined): boolean {
  if (!report || report.verdict !== "error") return false;
  const text = [report.summary, ...(report.findings ?? []).map((f) => f.message)]
    .filter((s): s is string => typeof s === "string")
    .join("\n");
  return /No module named ['"]?(tensorflow|keras)\b|tensorflow (is )?(not installed|missing)|cannot import tensorflow/i.test(text);
}

/** True for the report of a probe the user cancelled (the probe answers "inconclusive" / "cancelled"). */
export function isCancelledReport(report: ProbeReport | undefined): boolean {
  return !!report && report.verdict === "inconclusive" && /^\s*cancel+ed\b/i.test(String(report.summary ?? ""));
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
export function flattenMetrics(obj: object | undefined, prefix = "", depth = 0, out: [string, string][] = []): [string, string][] {
  for (const [k, v] of Object.entries(obj ?? {}) as [string, unknown][]) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      if (depth < 2) flattenMetrics(v, key, depth + 1, out);
      else out.push([key, JSON.stringify(v).slice(0, 120)]);
    } else if (Array.isArray(v)) {
      if (v.length <= 8) out.push([key, v.map((x) => (typeof x === "object" ? JSON.stringify(x) : formatNumber(x))).join(", ")]);
    } else {
      out.push([key, formatNumber(v)]);
    }
  }
  return out;
}

// twelve colours, each curve its own, and a dash pattern besides (the curve as written is the only solid one)
const PALETTE = ["#e06c75", "#61afef", "#98c379", "#e5c07b", "#c678dd", "#56b6c2", "#d19a66", "#abb2bf", "#ff79c6",
  "#8be9fd", "#b5e853", "#f4a6a6"];
const DASHES = ["", "6 3", "2 3", "8 3 2 3", "4 4", "10 4", "1 3", "12 3 3 3"];

/** An axis label a reader takes in at a glance: 1, 10, 100, 1k, 10k, 1M; 0.5, 0.01, 0.001; 2.5k. */
export function formatTick(value: number): string {
  if (!Number.isFinite(value)) return formatNumber(value);
  if (value === 0) return "0";
  const abs = Math.abs(value);
  const trim = (v: number) => String(Number(v.toPrecision(3)));
  if (abs >= 1e9) return `${trim(value / 1e9)}G`;
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e3) return `${trim(value / 1e3)}k`;
  if (abs >= 1e-4) return trim(value);
  return value.toExponential(0).replace("e-", "e−");
}

/** Ticks at round values (1, 2 or 5 times a power of ten) covering [min, max], about `count` of them. */
export function linearTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Ticks for a log axis over [10^lo, 10^hi] (exponents): the powers of ten, with 2 and 5 between them when
 * fewer than three powers fall inside. Returned as exponents. */
export function logTicks(lo: number, hi: number): number[] {
  const powers: number[] = [];
  for (let e = Math.ceil(lo - 1e-9); e <= hi + 1e-9; e++) powers.push(e);
  if (powers.length >= 3) {
    const every = Math.ceil(powers.length / 6);
    return powers.filter((e) => e % every === 0);
  }
  const out: number[] = [];
  for (let e = Math.floor(lo) - 1; e <= Math.ceil(hi); e++) {
    for (const m of [1, 2, 5]) {
      const t = e + Math.log10(m);
      if (t >= lo - 1e-9 && t <= hi + 1e-9) out.push(t);
    }
  }
  return out.length ? out : [lo];
}

/** A curve's name in the legend: "as written", "with all fixes", "with the LRN101 fix", ... */
export function seriesLabel(name: string): string {
  if (name === "as_written") return "as written";
  if (/^all$/i.test(name)) return "with all fixes";
  const but = /^ALL-(.+)$/i.exec(name);
  if (but) return `all fixes but ${but[1]}`;
  if (name.startsWith("R:")) return `repair: ${name.slice(2).replace(/_/g, " ")}`;
  const probe: Record<string, string> = {
    PRB007: "with the learning rate that works",
    PRB008: "with relu instead",
    PRB009: "with standardised inputs",
  };
  return probe[name] ?? `with the ${name} fix`;
}

/** Loss curves, as written and with each fix, as an inline SVG line chart that takes the width it is given. The
 * colours are SVG attributes (the webview's CSP allows no inline style), so the legend's swatches show. */
export function lossCurvesSvg(curves: Record<string, unknown> | undefined, width = 720, height = 280): string {
  const series = Object.entries(curves ?? {})
    .map(([name, c]) => ({ name, pts: curvePoints(c) }))
    .filter((s) => s.pts.length > 0)
    .sort((a, b) => (a.name === "as_written" ? -1 : b.name === "as_written" ? 1 : a.name.localeCompare(b.name)));
  if (series.length === 0) return "";
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
    `<svg class="chart" role="img" aria-label="Loss curves" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">`,
  );
  const yTicks = logY ? logTicks(y0, y1) : linearTicks(y0, y1);
  for (const t of yTicks) {
    parts.push(
      `<line class="grid" x1="${m.l}" x2="${width - m.r}" y1="${syT(t).toFixed(1)}" y2="${syT(t).toFixed(1)}"/>`,
      `<text class="tick" x="${m.l - 6}" y="${(syT(t) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(formatTick(logY ? Number((10 ** t).toPrecision(3)) : t))}</text>`,
    );
  }
  for (const t of linearTicks(x0, x1).filter((t) => Number.isInteger(t))) {
    parts.push(`<text class="tick" x="${sx(t).toFixed(1)}" y="${height - m.b + 16}" text-anchor="middle">${escapeHtml(formatTick(t))}</text>`);
  }
  parts.push(
    `<line class="axis" x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${height - m.b}"/>`,
    `<line class="axis" x1="${m.l}" x2="${width - m.r}" y1="${height - m.b}" y2="${height - m.b}"/>`,
    `<text class="label" x="${(m.l + width - m.r) / 2}" y="${height - 4}" text-anchor="middle">step</text>`,
    `<text class="label" transform="translate(12 ${(m.t + height - m.b) / 2}) rotate(-90)" text-anchor="middle">${logY ? "loss (log scale)" : "loss"}</text>`,
  );
  const style = (i: number) => ({ color: PALETTE[i % PALETTE.length], dash: i === 0 ? "" : DASHES[1 + ((i - 1) % (DASHES.length - 1))] });
  series.forEach((s, i) => {
    const { color, dash } = style(i);
    const d = s.pts.map((p, j) => `${j ? "L" : "M"}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(" ");
    parts.push(
      `<path class="series" data-series="${escapeHtml(s.name)}" d="${d}" fill="none" stroke="${color}" stroke-width="${i === 0 ? 2.5 : 2}"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`,
    );
  });
  parts.push("</svg>");
  const legend = series
    .map((s, i) => {
      const { color, dash } = style(i);
      const last = s.pts[s.pts.length - 1][1];
      const swatch =
        `<svg class="swatch" width="22" height="10" viewBox="0 0 22 10" aria-hidden="true"><line x1="1" y1="5" x2="21" y2="5" ` +
        `stroke="${color}" stroke-width="3"${dash ? ` stroke-dasharray="${dash}"` : ""}/></svg>`;
      return `<span class="legend-item" data-series="${escapeHtml(s.name)}">${swatch}${escapeHtml(seriesLabel(s.name))} <span class="muted">(final ${escapeHtml(formatNumber(last))})</span></span>`;
    })
    .join(" ");
  return `<figure class="plot">${parts.join("")}<figcaption class="legend">${legend}</figcaption></figure>`;
}

/** Per-layer gradient norms as a horizontal bar chart on a log10 scale. */
export function gradNormsSvg(layers: ProbeLayer[] | undefined, width = 720): string {
  const rows = (layers ?? []).filter((l) => typeof l.grad_norm === "number" && Number.isFinite(l.grad_norm));
  if (rows.length === 0) return "";
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
    `<svg class="chart" role="img" aria-label="Gradient norm per layer" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">`,
  ];
  for (const e of logTicks(lo, hi)) {
    parts.push(
      `<line class="grid" x1="${sx(e).toFixed(1)}" x2="${sx(e).toFixed(1)}" y1="${m.t}" y2="${height - m.b}"/>`,
      `<text class="tick" x="${sx(e).toFixed(1)}" y="${height - m.b + 14}" text-anchor="middle">${escapeHtml(formatTick(Number((10 ** e).toPrecision(3))))}</text>`,
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

/** A link that reveals a line (in a notebook: a line of a cell) in the editor. */
function lineLink(line: unknown, column?: unknown, endLine?: unknown, endColumn?: unknown, text?: string, cell?: unknown): string {
  if (typeof line !== "number" || line < 1) return text ? escapeHtml(text) : "–";
  const inCell = typeof cell === "number" && cell >= 1 ? cell : undefined;
  const where = inCell ? `line ${line} of cell ${inCell}` : `line ${line}`;
  const attrs = [
    `data-line="${line}"`,
    inCell ? `data-cell="${inCell}"` : "",
    typeof column === "number" ? `data-column="${column}"` : "",
    typeof endLine === "number" ? `data-end-line="${endLine}"` : "",
    typeof endColumn === "number" ? `data-end-column="${endColumn}"` : "",
  ]
    .filter(Boolean)
    .join(" ");
  return `<a href="#" class="line-link" ${attrs} title="Go to ${where}">${escapeHtml(text ?? where)}</a>`;
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
export function findingStatus(f: { confirmed?: boolean | null; status?: string | null; how?: string | null }): { status: string; how: string } {
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

/** Where a fix applies: what the extension asks the language server's code actions for. */
export interface FixTarget {
  rule: string;
  line: number;
  /** In a notebook: the cell's number (1-based), `line` counting in that cell. */
  cell?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

/** A cause that stops (or slows) learning, as the report lists it: one rule and message, on one or more lines. */
export interface Cause {
  rule: string;
  message: string;
  result: string;
  findings: ProbeFinding[];
  /** The fix's title when the finding carries one (static quick fix or a probe edit). */
  fix?: string;
}

const PROBE_ONLY_CONTEXT = new Set(["PRB010", "PRB012", "PRB013"]); // measurements that explain, not causes
const HOW_RANK: Record<string, number> = { "sufficient and necessary": 0, sufficient: 1, necessary: 2 };
const SEVERITY_RANK: Record<string, number> = { error: 0, warning: 1, info: 2 };

function isProbeFinding(f: ProbeFinding): boolean {
  return f.source === "probe" || /^PRB/.test(f.rule);
}

function fixTitle(f: ProbeFinding): string | undefined {
  const fix = f.fix as { title?: unknown } | undefined;
  return fix && typeof fix.title === "string" && fix.title ? fix.title : undefined;
}

/** The confirmed causes, most decisive first: a fix that alone makes it learn (and is needed), then one that alone
 * makes it learn, one the other fixes need, then causes measured by the probe; a probe measurement that backs a
 * listed static finding is not listed again, and one rule with one message is one cause over its lines. */
export function rankCauses(report: ProbeReport): Cause[] {
  if (report.verdict === "error") return [];
  const findings = report.findings ?? [];
  const confirmed = findings.filter((f) => findingStatus(f).status === "confirmed" && f.category !== "symptom");
  const staticRules = new Set(confirmed.filter((f) => !isProbeFinding(f)).map((f) => f.rule));
  const kept = confirmed.filter(
    (f) => !(isProbeFinding(f) && (PROBE_ONLY_CONTEXT.has(f.rule) || (f.confirms ?? []).some((r) => staticRules.has(r)))),
  );
  const groups = new Map<string, Cause>();
  for (const f of kept) {
    const key = `${f.rule}\u0000${f.message}`;
    const g = groups.get(key);
    if (g) g.findings.push(f);
    else groups.set(key, { rule: f.rule, message: f.message, result: resultText(f), findings: [f], fix: fixTitle(f) });
  }
  const rank = (c: Cause) => {
    const f = c.findings[0];
    const how = findingStatus(f).how;
    return [HOW_RANK[how] ?? (isProbeFinding(f) ? 4 : 3), SEVERITY_RANK[f.severity ?? ""] ?? 3, f.line ?? 1e9];
  };
  return [...groups.values()].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2];
  });
}

/** The probe's answer about a finding in a few words: the report's `result`, else its status. */
function resultText(f: ProbeFinding): string {
  if (typeof f.result === "string" && f.result.trim()) return f.result.trim();
  return isProbeFinding(f) ? "" : findingStatus(f).status;
}

/** One arrow style everywhere: the probe's evidence says "->", the report shows "→". */
export function arrows(text: string): string {
  return text.replace(/\s*->\s*/g, " → ");
}

/**
 * The quick fix for a rule among the code actions the language server offers on a finding's range: the one whose
 * title names the rule ("Use 'relu' instead of 'sigmoid' (LRN101)", "... (PRB007, measured by the probe; review)"),
 * never "Suppress ..." nor "Fix all ...".
 */
export function pickFixAction<T extends { title: string }>(actions: readonly T[], rule: string): T | undefined {
  return actions.find((a) => a.title.includes(`(${rule}`) && !/^(Suppress|Fix all)\b/.test(a.title));
}

function targetsOf(c: Cause): FixTarget[] {
  return c.findings
    .filter((f) => typeof f.line === "number")
    .map((f) => ({
      rule: f.rule,
      line: f.line,
      ...(typeof f.cell === "number" ? { cell: f.cell } : {}),
      ...(typeof f.column === "number" ? { column: f.column } : {}),
      ...(typeof f.end_line === "number" ? { endLine: f.end_line } : {}),
      ...(typeof f.end_column === "number" ? { endColumn: f.end_column } : {}),
    }));
}

const CAUSE_TITLES: Record<string, string> = {
  does_not_learn: "What stops it learning",
  learns_slowly: "What slows it down",
  learns: "Confirmed",
  inconclusive: "Confirmed so far",
};

/** The failing script's own frames (the worker keeps only those) and the exception, as a short traceback. */
function tracebackHtml(report: ProbeReport): string {
  const failure = (report.findings ?? []).find((f) => /^PRB09\d$/.test(f.rule));
  if (!failure) return "";
  const data = (failure.data ?? {}) as { traceback?: { line?: number; cell?: number; code?: string }[]; trace?: string; exception?: string };
  const frames = Array.isArray(data.traceback) ? data.traceback : [];
  const rows = frames.map((fr) => `${lineLink(fr.line, undefined, undefined, undefined, undefined, fr.cell)}  ${escapeHtml(fr.code ?? "")}`);
  const last = typeof failure.evidence === "string" && failure.evidence !== report.headline && failure.evidence !== report.summary
    ? failure.evidence
    : "";
  if (rows.length === 0 && typeof failure.line === "number" && failure.line > 0 && failure.rule === "PRB090") {
    rows.push(`${lineLink(failure.line, failure.column, failure.end_line, failure.end_column, undefined, failure.cell)}`);
  }
  const out: string[] = [];
  if (rows.length || last) {
    out.push(
      `<h2>Where it failed</h2><pre class="traceback">Traceback (your code only):\n${rows.join("\n")}${last ? `\n${escapeHtml(last)}` : ""}</pre>`,
    );
  }
  if (typeof data.trace === "string" && data.trace.trim()) {
    out.push(`<details class="trace"><summary>The probe's own traceback</summary><pre class="traceback">${escapeHtml(data.trace.trim())}</pre></details>`);
  }
  return out.join("\n");
}

function timingHtml(timing: ProbeTiming | undefined): string {
  const t: ProbeTiming & { total?: number } = timing ?? {};
  const sec = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? `${formatNumber(v)} s` : undefined);
  const rows: [string, string][] = [];
  const add = (label: string, v: unknown) => {
    const s = sec(v);
    if (s) rows.push([label, s]);
  };
  add("in all", t.total_s ?? t.total);
  add("starting Python and TensorFlow", t.startup_s);
  add("TensorFlow import", t.tf_import_s);
  add("static analysis", t.static_s);
  add("the probe's runs", t.job_s);
  const runs = t.runs && typeof t.runs === "object" ? t.runs : {};
  for (const [k, v] of Object.entries(runs)) add(`run: ${seriesLabel(k)}`, v);
  if (rows.length === 0) return "";
  const head = rows[0][0] === "in all" ? rows[0][1] : "";
  return (
    `<details class="timing"><summary>Timing${head ? `: ${escapeHtml(head)} in all` : ""}${t.warm === true ? " (warm worker)" : t.warm === false ? " (cold start)" : ""}</summary>` +
    `<table class="timing"><tbody>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td class="num">${escapeHtml(v)}</td></tr>`).join("")}</tbody></table></details>`
  );
}

/** Findings that say the same thing on several lines (one rule, message and evidence) are shown once. */
function sameFindings(findings: ProbeFinding[]): ProbeFinding[][] {
  const groups = new Map<string, ProbeFinding[]>();
  for (const f of findings) {
    const key = [f.rule, f.message, describeValue(f.evidence), f.status ?? "", f.how ?? ""].join("\u0000");
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()];
}

function findingHtml(group: ProbeFinding[]): string {
  const f = group[0];
  const rows = comparisonRows(f.before, f.after);
  const evidence = arrows(describeValue(f.evidence));
  const confirms = f.confirms && f.confirms.length && !(f.confirms.length === 1 && f.confirms[0] === f.rule)
    ? ` <span class="muted">(backs ${escapeHtml(f.confirms.join(", "))})</span>`
    : "";
  const result = resultText(f);
  const more = (evidence && evidence !== f.message) || rows.length
    ? `<details class="evidence"><summary>evidence</summary>` +
      (evidence && evidence !== f.message ? `<div class="muted">${escapeHtml(evidence)}</div>` : "") +
      (rows.length ? `<ul class="compare">${rows.map((r) => `<li>${escapeHtml(r)}</li>`).join("")}</ul>` : "") +
      "</details>"
    : "";
  return (
    `<div class="finding" data-rule="${escapeHtml(f.rule)}">` +
    `<div class="finding-head">${statusBadge(f)} <code>${escapeHtml(f.rule)}</code> ${group.map((g) => lineLink(g.line, g.column, g.end_line, g.end_column, undefined, g.cell)).join(", ")}${confirms}</div>` +
    `<div class="finding-msg">${escapeHtml(f.message)}${result && !["confirmed", "not confirmed", "measured"].includes(result) ? ` <span class="muted">(${escapeHtml(result)})</span>` : ""}</div>` +
    more +
    "</div>"
  );
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 24px; max-width: 1100px; }
h1 { font-size: 1.5em; margin: 14px 0 2px; display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; }
h2 { font-size: 1.1em; margin: 20px 0 8px; border-bottom: 1px solid var(--vscode-panel-border, #8884); padding-bottom: 4px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 4px; font-weight: 600; }
.verdict.learns { background: #2e7d3233; color: var(--vscode-testing-iconPassed, #3fb950); }
.verdict.learns_slowly { background: #f9a82533; color: var(--vscode-editorWarning-foreground, #d29922); }
.verdict.does_not_learn, .verdict.error { background: #c6282833; color: var(--vscode-editorError-foreground, #f85149); }
.verdict.inconclusive { background: #8884; }
.file { font-size: 0.65em; font-weight: normal; }
.headline { font-size: 1.05em; margin: 6px 0 4px; }
.muted { opacity: 0.7; }
ol.causes { margin: 4px 0; padding-left: 22px; }
ol.causes li { margin: 0 0 10px; }
.cause-msg { font-weight: 600; }
.cause-result { margin: 2px 0; }
.cause-result.ok { color: var(--vscode-testing-iconPassed, #3fb950); }
button { font-family: inherit; font-size: 0.95em; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 3px 10px; border-radius: 2px; cursor: pointer; margin: 2px 6px 2px 0; }
button:hover { background: var(--vscode-button-hoverBackground); }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
button:disabled { opacity: 0.6; cursor: default; }
.fix-status { margin-left: 6px; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; border-bottom: 1px solid var(--vscode-panel-border, #8882); }
th { font-weight: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { padding: 1px 6px; border-radius: 8px; font-size: 0.9em; white-space: nowrap; }
.badge.ok { background: #2e7d3240; }
.badge.no { background: #c6282840; }
.badge.muted { background: #8883; }
.badge.symptom { background: #8e24aa40; }
figure.plot { margin: 6px 0 10px; }
.chart { display: block; width: 100%; height: auto; }
.chart .grid { stroke: var(--vscode-editorLineNumber-foreground, #888); stroke-opacity: 0.25; }
.chart .axis { stroke: var(--vscode-foreground, #ccc); stroke-opacity: 0.6; }
.chart .tick, .chart .label { fill: var(--vscode-foreground, #ccc); font-size: 11px; }
.chart .bar { fill: var(--vscode-charts-blue, #61afef); }
.legend { margin-top: 4px; line-height: 1.8; }
.legend-item { margin-right: 16px; white-space: nowrap; }
.swatch { vertical-align: middle; margin-right: 5px; }
.notice { border-left: 3px solid var(--vscode-editorWarning-foreground, #d29922); padding: 6px 10px; background: #8881; }
code { font-family: var(--vscode-editor-font-family); }
pre.traceback { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background, #8881); padding: 8px 10px; white-space: pre-wrap; }
details { margin: 8px 0; }
details > summary { cursor: pointer; font-weight: 600; }
details.evidence > summary { font-weight: normal; opacity: 0.7; }
.finding { padding: 6px 0 6px; border-bottom: 1px solid var(--vscode-panel-border, #8882); }
.finding-msg { margin: 2px 0; }
.compare { margin: 4px 0 0; padding-left: 18px; font-variant-numeric: tabular-nums; }
a.line-link { color: var(--vscode-textLink-foreground); text-decoration: none; white-space: nowrap; }
a.line-link:hover { text-decoration: underline; }
`;

const SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (e) => {
  const a = e.target.closest && e.target.closest('a.line-link');
  if (a) {
    e.preventDefault();
    const n = (k) => a.dataset[k] === undefined ? undefined : Number(a.dataset[k]);
    vscode.postMessage({ type: 'reveal', cell: n('cell'), line: n('line'), column: n('column'), endLine: n('endLine'), endColumn: n('endColumn') });
    return;
  }
  const b = e.target.closest && e.target.closest('button[data-targets]');
  if (b && !b.disabled) {
    b.disabled = true;
    vscode.postMessage({ type: 'applyFix', id: b.id, targets: JSON.parse(b.dataset.targets) });
  }
});
window.addEventListener('message', (e) => {
  const m = e.data;
  if (!m || m.type !== 'fixResult') return;
  const b = document.getElementById(m.id);
  if (!b) return;
  b.disabled = !!m.ok;
  const s = b.parentElement.querySelector('.fix-status[data-for="' + m.id + '"]');
  if (s) s.textContent = m.text || '';
});
`;

/**
 * Which rule thresholds the probe used: the ones set (editor settings, pyproject.toml) in the summary line,
 * every one in the table below it. Empty for a report without them (older servers, errors before analysis).
 */
export function thresholdsHtml(used: ProbeReport["rule_thresholds"]): string {
  const rows = Object.entries(used ?? {}).filter(([, t]) => t && typeof t === "object");
  if (!rows.length) return "";
  const set = rows.filter(([, t]) => t.from && t.from !== "default");
  const head = set.length
    ? `${set.map(([k, t]) => `<code>${escapeHtml(k)}</code> = ${escapeHtml(formatNumber(t.value))} (${escapeHtml(String(t.from))})`).join(", ")}; ` +
      (set.length < rows.length ? "the others at their defaults" : "")
    : "all at their defaults";
  const table = rows
    .map(([k, t]) => `<tr><th><code>${escapeHtml(k)}</code></th><td class="num">${escapeHtml(formatNumber(t.value))}</td><td>${escapeHtml(t.from)}</td></tr>`)
    .join("");
  return `<details class="thresholds" id="thresholds"><summary>Thresholds used: ${head}</summary><table class="metrics"><tbody>${table}</tbody></table></details>`;
}

/** The whole webview document for a report: the verdict in words, the causes with their fixes, then details. */
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
  // 1. the verdict in words, and why, in one sentence
  out.push(
    `<h1><span class="verdict ${escapeHtml(verdict)}" id="verdict" data-verdict="${escapeHtml(verdict)}">${escapeHtml(verdictLabel(verdict))}</span>` +
      (fileName ? `<code class="file muted">${escapeHtml(fileName)}</code>` : "") +
      "</h1>",
  );
  const headline = report.headline || report.summary; // (a report saved by an older version has no headline)
  if (headline) out.push(`<p class="headline summary">${escapeHtml(arrows(String(headline)))}</p>`);
  if (opts.notice) out.push(`<p class="notice">${opts.notice}</p>`);

  // 2. the causes, ranked, each with its result and its fix
  const causes = rankCauses(report);
  if (causes.length) {
    out.push(`<h2>${escapeHtml(CAUSE_TITLES[verdict] ?? "Confirmed")}</h2>`, '<ol class="causes">');
    const fixable: FixTarget[] = [];
    causes.forEach((c, i) => {
      const targets = c.fix ? targetsOf(c) : [];
      fixable.push(...targets);
      const lines = c.findings
        .map((f) => lineLink(f.line, f.column, f.end_line, f.end_column, undefined, f.cell))
        .join(", ");
      const result = c.result && c.result !== "confirmed" ? c.result : "";
      out.push(
        `<li class="cause" data-rule="${escapeHtml(c.rule)}">` +
          `<div><span class="cause-msg">${escapeHtml(c.message)}</span> <span class="muted"><code>${escapeHtml(c.rule)}</code> ${lines}</span></div>` +
          (result ? `<div class="cause-result ${/^confirmed/.test(result) ? "ok" : ""}">${escapeHtml(arrows(result))}</div>` : "") +
          (targets.length
            ? `<div><button class="apply-fix" id="fix-${i}" data-targets="${escapeHtml(JSON.stringify(targets))}">${escapeHtml(c.fix ?? "Apply the fix")}</button>` +
              `<span class="fix-status muted" data-for="fix-${i}"></span></div>`
            : "") +
          "</li>",
      );
    });
    out.push("</ol>");
    if (causes.filter((c) => c.fix).length >= 2) {
      out.push(
        `<div><button class="apply-all" id="apply-all" data-targets="${escapeHtml(JSON.stringify(fixable))}">Apply all fixes (${causes.filter((c) => c.fix).length})</button>` +
          `<span class="fix-status muted" data-for="apply-all"></span></div>`,
      );
    }
  } else if (verdict === "does_not_learn") {
    out.push(`<p>No single cause was confirmed: see the findings below.</p>`);
  }
  const failure = tracebackHtml(report);
  if (failure) out.push(failure);

  // 3. the details, collapsed where long
  const curves = lossCurvesSvg(report.curves);
  if (curves) out.push(`<h2>Loss curves</h2>`, curves);
  const findings = report.findings ?? [];
  const listed = new Set(causes.flatMap((c) => c.findings));
  const others = findings.filter((f) => !listed.has(f));
  if (findings.length) {
    const open = causes.length === 0 && verdict !== "error" ? " open" : "";
    out.push(
      `<details class="findings"${open}><summary>${causes.length ? `All findings (${findings.length})` : `Findings (${findings.length})`}</summary>`,
      ...sameFindings([...causes.flatMap((c) => c.findings), ...others]).map(findingHtml),
      "</details>",
    );
  }
  const layers = report.layers ?? [];
  if (layers.length) {
    out.push(`<details class="layers"><summary>Layers (${layers.length}): gradient norm, saturation, dead units</summary>`, gradNormsSvg(layers));
    out.push(
      '<table class="layers"><thead><tr><th>Layer</th><th>Kind</th><th>Line</th><th class="num">Grad norm</th><th class="num">Saturation</th><th class="num">Dead</th><th class="num">Update ratio</th></tr></thead><tbody>',
    );
    for (const l of layers) {
      out.push(
        `<tr><td><code>${escapeHtml(l.name)}</code></td><td>${escapeHtml(l.kind ?? "")}</td><td>${lineLink(l.line, undefined, undefined, undefined, undefined, l.cell)}</td>` +
          `<td class="num">${escapeHtml(formatNumber(l.grad_norm))}</td><td class="num">${escapeHtml(percent(l.saturation))}</td>` +
          `<td class="num">${escapeHtml(percent(l.dead_fraction))}</td><td class="num">${escapeHtml(formatNumber(l.update_ratio))}</td></tr>`,
      );
    }
    out.push("</tbody></table></details>");
  }
  const metrics = flattenMetrics(report.metrics);
  if (metrics.length) {
    out.push(`<details class="metrics-box"><summary>Measurements (${metrics.length} values)</summary><table class="metrics"><tbody>`);
    for (const [k, text] of metrics) {
      out.push(`<tr><th>${escapeHtml(k.replace(/_/g, " "))}</th><td class="num">${escapeHtml(text)}</td></tr>`);
    }
    out.push("</tbody></table></details>");
  }
  out.push(thresholdsHtml(report.rule_thresholds));
  const timing = timingHtml(report.timing);
  if (timing || report.device) out.push(`${timing}${report.device ? `<p class="muted device">Trained on ${escapeHtml(report.device)}</p>` : ""}`);
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

/** The notebook cell a webview message points into, as an index into the notebook's cells (0-based); undefined for a plain file. */
export function revealCellIndex(msg: { cell?: number }): number | undefined {
  return typeof msg.cell === "number" && Number.isInteger(msg.cell) && msg.cell >= 1 ? msg.cell - 1 : undefined;
}
