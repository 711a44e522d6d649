import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {
  arrows,
  compareBeforeAfter,
  formatTick,
  linearTicks,
  logTicks,
  pickFixAction,
  rankCauses,
  contentSecurityPolicy,
  flattenMetrics,
  curvePoints,
  escapeHtml,
  findingStatus,
  formatNumber,
  gradNormsSvg,
  isCancelledReport,
  isMissingTensorflow,
  lossCurvesSvg,
  ProbeReport,
  renderReportHtml,
  revealCellIndex,
  revealRange,
  statusBarText,
  thresholdsHtml,
  verdictLabel,
} from "../../src/report";

const REPORT: ProbeReport = {
  version: 1,
  file: "/w/article1_sigmoid_scaled.py",
  verdict: "learns_slowly",
  device: "CPU",
  summary: "Learns, slowly: loss 0.69 → 0.62 in 200 steps; relu on scaled inputs reaches 0.31.",
  metrics: { loss_at_init: 0.6931, chance_loss: 0.6931, fit_one_batch: false, held_out_accuracy: 0.55 },
  layers: [
    { name: "conv2d", kind: "Conv2D", line: 10, grad_norm: 0.00012, saturation: 0.93, dead_fraction: null, update_ratio: 1e-5 },
    { name: "conv2d_1", kind: "Conv2D", line: 12, grad_norm: 0.004, saturation: 0.71, dead_fraction: null, update_ratio: 3e-4 },
    { name: "dense", kind: "Dense", line: 14, grad_norm: 0.2, saturation: 0.1, dead_fraction: null, update_ratio: 2e-3 },
  ],
  findings: [
    {
      rule: "LRN101",
      category: "activation",
      severity: "warning",
      line: 10,
      column: 47,
      end_line: 10,
      end_column: 56,
      message: "sigmoid in a hidden Conv2D saturates",
      evidence: { saturation: 0.93 },
      confirmed: true,
      confirms: ["LRN101"],
      before: { loss: 0.62 },
      after: { loss: 0.31 },
    },
    { rule: "LRN501", line: 6, column: 1, message: "inputs up to 100 are not scaled <script>", confirmed: false, before: 0.62, after: 0.6 },
    { rule: "LRN999", line: null, message: "untested", confirmed: null },
  ],
  curves: { as_written: [0.69, 0.68, 0.66, 0.62], LRN101: [0.69, 0.5, 0.4, 0.31], LRN501: [[0, 0.69], [3, 0.6]] },
  timing: { total: 8.2 },
};

const OPTS = { nonce: "abc123", cspSource: "vscode-webview://x" };

test("the report page has verdict, findings, per-layer table and both plots", () => {
  const html = renderReportHtml(REPORT, OPTS);
  assert.match(html, /data-verdict="learns_slowly"/);
  assert.match(html, />Learns slowly</);
  assert.match(html, /Trained on CPU/);
  assert.match(html, /class="finding" data-rule="LRN101"/);
  assert.ok(html.indexOf("What slows it down") < html.indexOf("Loss curves"), "the causes come first");
  assert.ok(html.indexOf("Loss curves") < html.indexOf("All findings"), "then the curves, then the details");
  assert.match(html, /badge ok">confirmed/);
  assert.match(html, /badge no">not confirmed/);
  assert.match(html, /badge muted">measured/);
  assert.match(html, /<li>loss 0\.62 → 0\.31<\/li>/);
  assert.match(html, /aria-label="Loss curves"/);
  assert.match(html, /data-series="as_written"/);
  assert.match(html, /data-series="LRN101"/);
  assert.match(html, /data-series="LRN501"/);
  assert.match(html, /aria-label="Gradient norm per layer"/);
  assert.equal((html.match(/class="bar"/g) ?? []).length, 3);
  assert.match(html, /<table class="layers">/);
  assert.match(html, /93%/);
  assert.match(html, /loss at init/);
  assert.match(html, /<summary>Timing: 8\.2 s in all<\/summary>/);
});

test("before/after measurements, nested metrics and log-scale curves", () => {
  assert.equal(
    compareBeforeAfter({ steps_to_fit: 7, loss_at_k: 0.93, held_out_accuracy: 0.6 }, { steps_to_fit: 14, loss_at_k: 9.85, held_out_accuracy: 0.48 }),
    "steps to fit a batch 7 → 14; loss at step k 0.93 → 9.85; held-out accuracy 60% → 48%",
  );
  assert.equal(compareBeforeAfter({ k: 8, loss_at_k: 0.93 }, { k: 8, loss_at_k: 0.5 }), "loss at step 8 0.93 → 0.5");
  assert.equal(compareBeforeAfter(0.62, 0.6), "0.62 → 0.6");
  assert.equal(compareBeforeAfter(undefined, undefined), "");
  assert.deepEqual(flattenMetrics({ a: 1, b: { c: 0.5, d: [1, 2] }, e: new Array(20).fill(0) }), [
    ["a", "1"],
    ["b.c", "0.5"],
    ["b.d", "1, 2"],
  ]);
  assert.match(lossCurvesSvg({ as_written: [0.5, 40, 0.01] }), /loss \(log scale\)/);
  assert.doesNotMatch(lossCurvesSvg({ as_written: [0.7, 0.6] }), /log scale/);
  const html = renderReportHtml({ verdict: "learns", timing: { total_s: 15.2, runs: { as_written: 2.8 }, trace_reused: { as_written: true } } }, OPTS);
  assert.match(html, /<summary>Timing: 15\.2 s in all<\/summary>/);
  assert.match(html, /<th>run: as written<\/th><td class="num">2\.8 s<\/td>/);
  assert.doesNotMatch(visibleText(html), /trace|reused/i);
});

test("lines link back to the file", () => {
  const html = renderReportHtml(REPORT, OPTS);
  assert.match(html, /class="line-link" data-line="10" data-column="47" data-end-line="10" data-end-column="56"/);
  assert.match(html, /data-line="14"/);
  assert.deepEqual(revealRange({ line: 10, column: 47, endLine: 10, endColumn: 56 }), { startLine: 9, startColumn: 46, endLine: 9, endColumn: 55 });
  assert.deepEqual(revealRange({ line: 3 }), { startLine: 2, startColumn: 0, endLine: 2, endColumn: 0 });
  assert.equal(revealRange({ line: 0 }), undefined);
  assert.equal(revealRange({}), undefined);
});

test("in a notebook a link names and reveals the cell and the line in it", () => {
  const nb: ProbeReport = {
    verdict: "does_not_learn",
    file: "/w/nb.ipynb",
    findings: [{ rule: "LRN301", cell: 4, line: 2, column: 5, end_line: 2, end_column: 9, message: "rate too high" }],
    layers: [{ name: "dense", kind: "Dense", cell: 3, line: 6 }],
  };
  const html = renderReportHtml(nb, OPTS);
  assert.match(html, /<a href="#" class="line-link" data-line="2" data-cell="4" data-column="5"[^>]*title="Go to line 2 of cell 4">line 2 of cell 4<\/a>/);
  assert.match(html, /data-line="6" data-cell="3"[^>]*>line 6 of cell 3<\/a>/);
  // the webview posts the cell with the line
  assert.match(html, /postMessage\(\{ type: 'reveal', cell: n\('cell'\), line: n\('line'\)/);
  assert.equal(revealCellIndex({ cell: 4 }), 3);
  assert.equal(revealCellIndex({ cell: 1 }), 0);
  for (const bad of [{}, { cell: 0 }, { cell: 1.5 }, { cell: -2 }]) assert.equal(revealCellIndex(bad), undefined);
  // a plain file's links name no cell
  assert.doesNotMatch(renderReportHtml(REPORT, OPTS), /data-cell=|of cell/);
});

test("the report says which thresholds the probe used and where each came from", () => {
  const used = {
    lr_max_adaptive: { value: 0.6, from: "editor settings" },
    input_max_abs: { value: 300, from: "pyproject.toml" },
    dropout_max: { value: 0.5, from: "default" },
  };
  const html = renderReportHtml({ ...REPORT, rule_thresholds: used }, OPTS);
  assert.match(
    html,
    /<summary>Thresholds used: <code>lr_max_adaptive<\/code> = 0\.6 \(editor settings\), <code>input_max_abs<\/code> = 300 \(pyproject\.toml\); the others at their defaults<\/summary>/,
  );
  assert.match(html, /<th><code>dropout_max<\/code><\/th><td class="num">0\.5<\/td><td>default<\/td>/);
  assert.match(thresholdsHtml({ dropout_max: { value: 0.5, from: "default" } }), /Thresholds used: all at their defaults/);
  assert.equal(thresholdsHtml(undefined), "");
  assert.doesNotMatch(renderReportHtml(REPORT, OPTS), /Thresholds used/);
  assert.match(thresholdsHtml({ x: { value: 1, from: "<b>" } }), /\(&lt;b&gt;\)/);
});

test("CSP: no remote resources, nonce on the only script and style", () => {
  const html = renderReportHtml(REPORT, OPTS);
  const csp = contentSecurityPolicy(OPTS);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123'/);
  assert.ok(!/https?:/.test(csp));
  assert.ok(!/\b(src|href)="https?:/.test(html), "no remote URLs");
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.deepEqual(scripts, ['<script nonce="abc123">']);
  const styles = html.match(/<style\b[^>]*>/g) ?? [];
  assert.deepEqual(styles, ['<style nonce="abc123">']);
  assert.ok(!/ on[a-z]+=/.test(html), "no inline event handlers");
});

test("text from the report is escaped", () => {
  const html = renderReportHtml(REPORT, OPTS);
  assert.ok(!html.includes("<script>"));
  assert.match(html, /not scaled &lt;script&gt;/);
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
});

test("curves in several shapes", () => {
  assert.deepEqual(curvePoints([1, 2]), [[0, 1], [1, 2]]);
  assert.deepEqual(curvePoints([[5, 1], [10, 0.5]]), [[5, 1], [10, 0.5]]);
  assert.deepEqual(curvePoints([{ step: 2, loss: 0.3 }]), [[2, 0.3]]);
  assert.deepEqual(curvePoints({ steps: [0, 10], loss: [0.7, 0.2] }), [[0, 0.7], [10, 0.2]]);
  assert.deepEqual(curvePoints([NaN, 1]), [[1, 1]]);
  assert.deepEqual(curvePoints("nope"), []);
});

test("empty and error reports render without plots", () => {
  const html = renderReportHtml({ verdict: "error", summary: "ModuleNotFoundError: No module named 'tensorflow'" }, OPTS);
  assert.match(html, /Probe error/);
  // no empty sections: what is not there is not announced
  assert.doesNotMatch(html, /No loss curves|No per-layer|No findings|<h2>|<details/);
  assert.match(lossCurvesSvg({ as_written: [0.5] }), /<svg/);
  assert.equal(lossCurvesSvg({}), "");
  assert.match(gradNormsSvg([{ name: "d", grad_norm: 0 }]), /<svg/);
});

test("a cancelled probe is recognised", () => {
  assert.equal(isCancelledReport({ verdict: "inconclusive", summary: "cancelled" }), true);
  assert.equal(isCancelledReport({ verdict: "inconclusive", summary: "too few samples" }), false);
  assert.equal(isCancelledReport({ verdict: "learns", summary: "cancelled" }), false);
});

test("TensorFlow missing is recognised from the report", () => {
  assert.equal(isMissingTensorflow({ verdict: "error", summary: "ModuleNotFoundError: No module named 'tensorflow'" }), true);
  assert.equal(isMissingTensorflow({ verdict: "error", message: "TensorFlow is not installed in /usr/bin/python3" }), true);
  assert.equal(isMissingTensorflow({ verdict: "error", summary: "SyntaxError" }), false);
  assert.equal(isMissingTensorflow({ verdict: "learns", summary: "No module named 'tensorflow'" }), false);
});

test("verdict labels, status bar text and number formatting", () => {
  assert.equal(verdictLabel("does_not_learn"), "Does not learn");
  assert.equal(verdictLabel("something_new"), "something new");
  assert.equal(statusBarText(undefined), "$(beaker) Learnability");
  assert.equal(statusBarText({ verdict: "learns" }), "$(pass) Learns");
  assert.equal(statusBarText({ verdict: "does_not_learn" }), "$(error) Does not learn");
  assert.equal(formatNumber(0.000123), "1.23e-4");
  assert.equal(formatNumber(0.6931), "0.693");
  assert.equal(formatNumber(200), "200");
  assert.equal(formatNumber(null), "–");
  assert.equal(formatNumber(Infinity), "∞");
  assert.equal(formatNumber(NaN), "NaN");
  assert.equal(formatNumber(1.5), "1.5");
});

test("each finding shows its status and how it was decided, in words", () => {
  const finding = (rule: string, extra: Record<string, unknown>) => ({ rule, line: 3, message: `about ${rule}`, ...extra });
  const report: ProbeReport = {
    verdict: "does_not_learn",
    findings: [
      finding("LRN102", { confirmed: true, status: "confirmed", how: "sufficient" }),
      finding("LRN301", { confirmed: true, status: "confirmed", how: "necessary" }),
      finding("LRN501", { confirmed: true, status: "confirmed", how: "sufficient and necessary" }),
      finding("LRN703", { confirmed: true, status: "confirmed", how: "measured" }),
      finding("LRN204", { confirmed: null, status: "not applicable" }),
      finding("PRB001", { confirmed: true, status: "symptom" }),
      finding("LRN802", { confirmed: null, status: "undecided" }),
      finding("LRN601", { confirmed: false, status: "not confirmed" }),
      finding("LRN902", { confirmed: null, status: "not_tested" }),
    ],
  };
  const html = renderReportHtml(report, OPTS);
  const badge = (rule: string) => {
    const m = new RegExp(`data-rule="${rule}"><div class="finding-head"><span [^>]*class="badge (\\w+)">([^<]*)</span>`).exec(html);
    assert.ok(m, `no badge for ${rule}`);
    return `${m[1]}: ${m[2]}`;
  };
  assert.equal(badge("LRN102"), "ok: confirmed (sufficient)");
  assert.equal(badge("LRN301"), "ok: confirmed (necessary)");
  assert.equal(badge("LRN501"), "ok: confirmed (sufficient and necessary)");
  assert.equal(badge("LRN703"), "ok: confirmed (measured)");
  assert.equal(badge("LRN204"), "muted: not applicable");
  assert.equal(badge("PRB001"), "symptom: symptom");
  assert.equal(badge("LRN802"), "muted: undecided");
  assert.equal(badge("LRN601"), "no: not confirmed");
  assert.equal(badge("LRN902"), "muted: not tested"); // ids read as words, never snake_case
  assert.doesNotMatch(html, /not_tested|not_applicable/);
  // a "not applicable" finding is not shown as "measured" or as refuted, whatever `confirmed` says
  assert.match(html, /title="About what is reported \(a metric\), not about training"/);
  assert.match(html, /title="The probe retrained with the fix, or measured the cause: this fix alone makes it learn"/);
});

test("reports without status fall back to confirmed", () => {
  assert.deepEqual(findingStatus({ confirmed: true }), { status: "confirmed", how: "" });
  assert.deepEqual(findingStatus({ confirmed: false }), { status: "not confirmed", how: "" });
  assert.deepEqual(findingStatus({ confirmed: null }), { status: "measured", how: "" });
  assert.deepEqual(findingStatus({ confirmed: true, status: "Not_Applicable", how: "" }), { status: "not applicable", how: "" });
  assert.deepEqual(findingStatus({ confirmed: false, status: "  ", how: "necessary" }), { status: "not confirmed", how: "necessary" });
});

// Reports the probe gave (`learnability probe --format json`, measurements trimmed): a script with four classic
// mistakes (sigmoid convs, pixels up to 255, Adam at 0.5, softmax on one unit), and a script that fails before fit.
const fixture = (name: string): ProbeReport =>
  JSON.parse(fs.readFileSync(path.join(__dirname, "../../../test/unit/fixtures", name), "utf8")) as ProbeReport;

/** The text a reader sees: tags, the style and the script dropped. */
function visibleText(html: string): string {
  return html.replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/g, "").replace(/<[^>]+>/g, " ").replace(/&gt;/g, ">");
}

test("a report that answers in five seconds: the verdict, then the ranked causes with their fixes, then details", () => {
  const report = fixture("report_four_mistakes.json");
  const html = renderReportHtml(report, OPTS);
  const body = html.slice(html.indexOf("<body>"));
  // the first thing in the page is the verdict in words, then its one-sentence reason
  assert.match(body, /^<body>\n<h1><span class="verdict does_not_learn" id="verdict" data-verdict="does_not_learn">Does not learn<\/span>/);
  assert.ok(body.indexOf('class="headline') < body.indexOf("What stops it learning"));
  assert.match(html, /<p class="headline summary">It does not learn: the trained model predicts one class for every sample/);
  // the causes, ranked: the fixes the others need first, then the causes the probe measured; one per rule and message
  const causes = rankCauses(report);
  assert.deepEqual(causes.map((c) => c.rule), ["LRN102", "LRN301", "LRN101", "LRN501"]);
  assert.deepEqual(causes[2].findings.map((f) => f.line), [12, 13]); // two sigmoid convs: one cause, two lines
  assert.ok(causes.every((c) => c.fix), "each cause carries its fix");
  // the probe's own measurements that back them (PRB002, PRB008) and the symptoms (PRB001, PRB019) are details
  assert.ok(!causes.some((c) => /^PRB/.test(c.rule)));
  const items = html.match(/<li class="cause" data-rule="(\w+)">/g) ?? [];
  assert.equal(items.length, 4);
  const buttons = [...html.matchAll(/<button class="apply-fix" id="(fix-\d)" data-targets="([^"]+)">([^<]+)<\/button>/g)];
  assert.deepEqual(buttons.map((b) => b[3]), ["Use &#39;sigmoid&#39; instead of &#39;softmax&#39;", "Set the learning rate to 0.001", "Use &#39;relu&#39; instead of &#39;sigmoid&#39;", "Divide the inputs by 255.0"]);
  const targets = JSON.parse(buttons[2][2].replace(/&quot;/g, '"'));
  assert.deepEqual(targets.map((t: { rule: string; line: number }) => [t.rule, t.line]), [["LRN101", 12], ["LRN101", 13]]);
  // several fixes needed together: one button applies them all
  const all = /<button class="apply-all" id="apply-all" data-targets="([^"]+)">Apply all fixes \(4\)<\/button>/.exec(html);
  assert.ok(all, "an Apply all fixes button");
  assert.equal(JSON.parse(all[1].replace(/&quot;/g, '"')).length, 5);
  // each cause's evidence is one short line, never the same paragraph under every finding
  const results = [...html.matchAll(/<div class="cause-result[^"]*">([^<]*)<\/div>/g)].map((m) => m[1]);
  assert.deepEqual(results, ["confirmed: the other fixes need it", "confirmed: the other fixes need it", "confirmed by measurement", "confirmed by measurement"]);
  const text = visibleText(html);
  const paragraphs = text.split(/\s{2,}/).filter((t) => t.length > 120);
  assert.equal(new Set(paragraphs).size, paragraphs.length, "a long paragraph repeated");
  // one arrow style, no raw timing lines, details collapsed
  assert.doesNotMatch(text, /->/);
  assert.doesNotMatch(text, /Timing:.*trace|reused/);
  assert.match(html, /<details class="findings"><summary>All findings \(10\)<\/summary>/);
  assert.match(html, /<details class="metrics-box"><summary>Measurements/);
  assert.match(html, /<details class="timing"><summary>Timing: /);
  assert.ok(html.indexOf("What stops it learning") < html.indexOf("Loss curves"));
});

test("the legend's swatches are SVG strokes (the CSP allows no inline style) and every curve has one", () => {
  const report = fixture("report_four_mistakes.json");
  const html = renderReportHtml(report, OPTS);
  assert.doesNotMatch(html, /\sstyle="/, "an inline style attribute: the webview's CSP blocks it");
  const series = [...html.matchAll(/<path class="series" data-series="([^"]+)"[^>]* stroke="(#[0-9a-f]{6})"/g)];
  assert.equal(series.length, Object.keys(report.curves ?? {}).length);
  const swatches = [...html.matchAll(/<span class="legend-item" data-series="([^"]+)"><svg class="swatch"[^>]*><line [^>]*stroke="(#[0-9a-f]{6})"/g)];
  assert.deepEqual(swatches.map((m) => [m[1], m[2]]), series.map((m) => [m[1], m[2]]), "each swatch has its curve's colour");
  assert.match(html, />with all fixes </);
  assert.match(html, />all fixes but LRN101 </);
  // the chart fills the width it has (viewBox, CSS width 100%), no fixed pixel width
  assert.match(html, /<svg class="chart" role="img" aria-label="Loss curves" viewBox="0 0 720 280" preserveAspectRatio/);
  assert.doesNotMatch(html, /<svg class="chart"[^>]* width="/);
  assert.match(html, /\.chart \{ display: block; width: 100%; height: auto; \}/);
});

test("axis ticks read at a glance", () => {
  assert.deepEqual([1, 10, 100, 1000, 10000, 2500, 1e6, 0.5, 0.01, 0.001, 0.025].map(formatTick),
    ["1", "10", "100", "1k", "10k", "2.5k", "1M", "0.5", "0.01", "0.001", "0.025"]);
  assert.deepEqual(linearTicks(0, 150), [0, 50, 100, 150]);
  assert.deepEqual(linearTicks(0.2, 0.72), [0.2, 0.4, 0.6]);
  assert.deepEqual(linearTicks(0, 1.1e7), [0, 5e6, 1e7]);
  assert.deepEqual(logTicks(-2.3, 1.2), [-2, -1, 0, 1]); // 0.01, 0.1, 1, 10
  assert.deepEqual(logTicks(-0.4, 0.2).map((t) => Number((10 ** t).toPrecision(2))), [0.5, 1]);
  const svg = lossCurvesSvg({ as_written: [0.7, 5, 75000, 1.1e7], fix: [0.7, 0.3, 0.01, 0.003] });
  const ticks = [...svg.matchAll(/<text class="tick"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
  assert.ok(ticks.every((t) => /^(\d+(\.\d+)?[kMG]?|0\.\d+|\de−\d+)$/.test(t)), ticks.join(" "));
  assert.deepEqual(ticks, ["0.01", "1", "100", "10k", "1M", "0", "1", "2", "3"]); // every other decade over ten of them
});

test("a failed script shows its own frames and the exception, not empty sections", () => {
  const report = fixture("report_script_fails.json");
  const html = renderReportHtml(report, OPTS);
  assert.match(html, />Probe error</);
  assert.match(html, /<p class="headline summary">the script failed before fit: FileNotFoundError/);
  const pre = /<pre class="traceback">([\s\S]*?)<\/pre>/.exec(html);
  assert.ok(pre, "a traceback");
  assert.match(pre[1], /^Traceback \(your code only\):\n<a [^>]*data-line="10"[^>]*>line 10<\/a> {2}X = load\(\)\n<a [^>]*data-line="7"[^>]*>line 7<\/a> {2}return np\.load\(&quot;data\/train\.npy&quot;\)\nFileNotFoundError: /);
  assert.doesNotMatch(html, /site-packages|numpy\/lib/);
  assert.doesNotMatch(html, /Loss curves|Layers|No findings|No loss/);
});

test("a cause's fix is the language server's quick fix for that rule", () => {
  const actions = [
    { title: "Suppress LRN101 on this line" },
    { title: "Fix all learnability problems (3)" },
    { title: "Use 'relu' instead of 'sigmoid' (LRN101)" },
    { title: "use learning rate 0.001 (PRB007, measured by the probe; review)" },
  ];
  assert.equal(pickFixAction(actions, "LRN101")?.title, "Use 'relu' instead of 'sigmoid' (LRN101)");
  assert.equal(pickFixAction(actions, "PRB007")?.title, "use learning rate 0.001 (PRB007, measured by the probe; review)");
  assert.equal(pickFixAction(actions, "LRN501"), undefined);
  assert.equal(arrows("loss 0.7 -> 0.3; a->b"), "loss 0.7 → 0.3; a → b");
});
