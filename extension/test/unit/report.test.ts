import { test } from "node:test";
import assert from "node:assert/strict";
import {
  compareBeforeAfter,
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
  assert.match(html, /on CPU/);
  assert.match(html, /class="finding" data-rule="LRN101"/);
  assert.ok(html.indexOf("Loss curves") < html.indexOf("Findings"), "the curves come first");
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
  assert.match(html, /Timing: total 8\.2 s/);
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
  const html = renderReportHtml({ verdict: "learns", timing: { total_s: 15.2, runs: { as_written: 2.8 } } }, OPTS);
  assert.match(html, /Timing: total 15\.2 s, runs\.as written 2\.8 s/);
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
  assert.match(html, /No loss curves/);
  assert.match(html, /No per-layer measurements/);
  assert.match(html, /No findings/);
  assert.match(lossCurvesSvg({ as_written: [0.5] }), /<svg/);
  assert.match(lossCurvesSvg({}), /No loss curves/);
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
