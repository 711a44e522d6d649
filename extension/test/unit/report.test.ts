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
  ProbeFinding,
  ProbeReport,
  renderReportHtml,
  revealRange,
  statusBarText,
  verdictLabel,
} from "../../src/report";

/** A report of the shape the server sends (generated/probeReport.ts), with `extra` on top. */
function report(extra: Partial<ProbeReport> & Pick<ProbeReport, "verdict">): ProbeReport {
  return { version: 1, file: "/w/train.py", device: null, summary: "", metrics: {}, layers: [], findings: [], curves: {}, timing: {}, ...extra };
}

/** A finding of the shape the server sends, with `extra` on top. */
function finding(extra: Partial<ProbeFinding> & Pick<ProbeFinding, "rule" | "message">): ProbeFinding {
  return {
    category: "probe", severity: "warning", path: "/w/train.py", line: 1, column: 1, end_line: 1, end_column: 2,
    fixable: false, source: "static", evidence: "", confirmed: null, confirms: [], before: {}, after: {}, ...extra,
  };
}

const LAYER = { dead_fraction_init: null, activation: "sigmoid", output: false };

const REPORT: ProbeReport = report({
  file: "/w/article1_sigmoid_scaled.py",
  verdict: "learns_slowly",
  device: "CPU",
  summary: "Learns, slowly: loss 0.69 → 0.62 in 200 steps; relu on scaled inputs reaches 0.31.",
  metrics: { init_loss: 0.6931, expected_init_loss: 0.6931, fit_one_batch: { fitted: false }, held_out: { held_out_accuracy: 0.55 } },
  layers: [
    { name: "conv2d", kind: "Conv2D", line: 10, grad_norm: 0.00012, saturation: 0.93, dead_fraction: null, update_ratio: 1e-5, ...LAYER },
    { name: "conv2d_1", kind: "Conv2D", line: 12, grad_norm: 0.004, saturation: 0.71, dead_fraction: null, update_ratio: 3e-4, ...LAYER },
    { name: "dense", kind: "Dense", line: 14, grad_norm: 0.2, saturation: 0.1, dead_fraction: null, update_ratio: 2e-3, ...LAYER, output: true },
  ],
  findings: [
    finding({
      rule: "LRN101",
      category: "activation",
      severity: "warning",
      line: 10,
      column: 47,
      end_line: 10,
      end_column: 56,
      message: "sigmoid in a hidden Conv2D saturates",
      evidence: "saturation 93%",
      confirmed: true,
      confirms: ["LRN101"],
      before: { final_loss: 0.62 },
      after: { final_loss: 0.31 },
    }),
    finding({ rule: "LRN501", line: 6, column: 1, message: "inputs up to 100 are not scaled <script>", confirmed: false, before: { loss_at_k: 0.62 }, after: { loss_at_k: 0.6 } }),
    finding({ rule: "LRN999", line: 1, message: "untested", confirmed: null }),
  ],
  curves: { as_written: [0.69, 0.68, 0.66, 0.62], LRN101: [0.69, 0.5, 0.4, 0.31], LRN501: [0.69, null, null, 0.6] },
  timing: { total_s: 8.2 },
});

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
  assert.match(html, /<li>final loss 0\.62 → 0\.31<\/li>/);
  assert.match(html, /aria-label="Loss curves"/);
  assert.match(html, /data-series="as_written"/);
  assert.match(html, /data-series="LRN101"/);
  assert.match(html, /data-series="LRN501"/);
  assert.match(html, /aria-label="Gradient norm per layer"/);
  assert.equal((html.match(/class="bar"/g) ?? []).length, 3);
  assert.match(html, /<table class="layers">/);
  assert.match(html, /93%/);
  assert.match(html, /init loss/);
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
  const html = renderReportHtml(report({ verdict: "learns", timing: { total_s: 15.2, runs: { as_written: 2.8 } } }), OPTS);
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
  const html = renderReportHtml(report({ verdict: "error", summary: "ModuleNotFoundError: No module named 'tensorflow'" }), OPTS);
  assert.match(html, /Probe error/);
  assert.match(html, /No loss curves/);
  assert.match(html, /No per-layer measurements/);
  assert.match(html, /No findings/);
  assert.match(lossCurvesSvg({ as_written: [0.5] }), /<svg/);
  assert.match(lossCurvesSvg({}), /No loss curves/);
  assert.match(gradNormsSvg([{ name: "d", kind: "Dense", line: 3, grad_norm: 0, saturation: null, dead_fraction: null, update_ratio: null, ...LAYER }]), /<svg/);
});

test("a cancelled probe is recognised", () => {
  assert.equal(isCancelledReport(report({ verdict: "inconclusive", summary: "cancelled" })), true);
  assert.equal(isCancelledReport(report({ verdict: "inconclusive", summary: "too few samples" })), false);
  assert.equal(isCancelledReport(report({ verdict: "learns", summary: "cancelled" })), false);
});

test("TensorFlow missing is recognised from the report", () => {
  assert.equal(isMissingTensorflow(report({ verdict: "error", summary: "ModuleNotFoundError: No module named 'tensorflow'" })), true);
  const fatal = finding({ rule: "PRB093", message: "TensorFlow is not installed in /usr/bin/python3" });
  assert.equal(isMissingTensorflow(report({ verdict: "error", summary: "the probe failed", findings: [fatal] })), true);
  assert.equal(isMissingTensorflow(report({ verdict: "error", summary: "SyntaxError" })), false);
  assert.equal(isMissingTensorflow(report({ verdict: "learns", summary: "No module named 'tensorflow'" })), false);
});

test("verdict labels, status bar text and number formatting", () => {
  assert.equal(verdictLabel("does_not_learn"), "Does not learn");
  assert.equal(verdictLabel("something_new"), "something new");
  assert.equal(statusBarText(undefined), "$(beaker) Learnability");
  assert.equal(statusBarText(report({ verdict: "learns" })), "$(pass) Learns");
  assert.equal(statusBarText(report({ verdict: "does_not_learn" })), "$(error) Does not learn");
  assert.equal(formatNumber(0.000123), "1.23e-4");
  assert.equal(formatNumber(0.6931), "0.693");
  assert.equal(formatNumber(200), "200");
  assert.equal(formatNumber(null), "–");
  assert.equal(formatNumber(Infinity), "∞");
  assert.equal(formatNumber(NaN), "NaN");
  assert.equal(formatNumber(1.5), "1.5");
});

test("each finding shows its status and how it was decided, in words", () => {
  const at3 = (rule: string, extra: Partial<ProbeFinding>) => finding({ rule, line: 3, message: `about ${rule}`, ...extra });
  const probed = report({
    verdict: "does_not_learn",
    findings: [
      at3("LRN102", { confirmed: true, status: "confirmed", how: "sufficient" }),
      at3("LRN301", { confirmed: true, status: "confirmed", how: "necessary" }),
      at3("LRN501", { confirmed: true, status: "confirmed", how: "sufficient and necessary" }),
      at3("LRN703", { confirmed: true, status: "confirmed", how: "measured" }),
      at3("LRN204", { confirmed: null, status: "not applicable" }),
      at3("PRB001", { confirmed: true, status: "symptom" }),
      at3("LRN802", { confirmed: null, status: "undecided" }),
      at3("LRN601", { confirmed: false, status: "not confirmed" }),
      { ...at3("LRN902", { confirmed: null }), status: "not_tested" } as unknown as ProbeFinding, // an id not in words
    ],
  });
  const html = renderReportHtml(probed, OPTS);
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
