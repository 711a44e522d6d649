// End-to-end test of the .vsix in a real VS Code: code-server (npm) driven by Debian's headless
// Chromium through playwright-core. Installs the package, opens the article's first example, and checks
// the Problems panel, a quick fix through Ctrl+., and the probe from the command palette (report view
// and a confirmed / not-confirmed diagnostic). Screenshots go to test-artifacts/vscode/.
//
//   node tests/editor/vscode/e2e.mjs [--vsix build/vsix/learnability-linux-x64.vsix] [--skip-probe] [--only editor]
//
// Environment: CODE_SERVER_DIR (default: what install-code-server.sh prints), CHROMIUM (/usr/bin/chromium),
// LEARNABILITY_PYTHON (default: <repo>/.venv/bin/python), E2E_PROBE_TIMEOUT_S (default 300).
// Prints TAP-like lines and a closing "N passed, N failed" line; exits non-zero on any failure.

import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { editorSteps } from "./editor_steps.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const vsix = path.resolve(repo, opt("--vsix", "build/vsix/learnability-linux-x64.vsix"));
const skipProbe = argv.includes("--skip-probe") || process.env.E2E_SKIP_PROBE === "1";
// --only editor: just the install and the editor steps (notebooks, settings reaching the probe, the interpreter pick)
const only = opt("--only", "");
const python = process.env.LEARNABILITY_PYTHON || path.join(repo, ".venv/bin/python");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const probeTimeoutMs = Number(process.env.E2E_PROBE_TIMEOUT_S || 300) * 1000;
const artifacts = path.join(repo, "test-artifacts", "vscode");
const fixture = path.join(repo, "tests/fixtures/article1_sigmoid_scaled.py");
const FILE = "article1_sigmoid_scaled.py";
// the issue's script: four classic mistakes (sigmoid convs, pixels up to 255, Adam at 0.5, softmax on one unit)
const FOUR = "four_mistakes.py";
const fourFixture = path.join(here, FOUR);

const results = [];
const cleanups = [];
let page;

function log(...a) {
  console.log("#", ...a);
}

async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok ${results.length} - ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return true;
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`not ok ${results.length} - ${name}`);
    console.log(String(err && err.stack ? err.stack : err).replace(/^/gm, "#   "));
    if (page) await shot(`failed-${results.length}`).catch(() => {});
    return false;
  }
}

async function shot(name) {
  fs.mkdirSync(artifacts, { recursive: true });
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file });
  log(`screenshot ${path.relative(repo, file)}`);
  return file;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitFor(what, fn, timeoutMs, intervalMs = 250) {
  const t0 = Date.now();
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function codeServerDir() {
  if (process.env.CODE_SERVER_DIR) return process.env.CODE_SERVER_DIR;
  return execFileSync("bash", [path.join(here, "install-code-server.sh")], { encoding: "utf8" }).trim().split("\n").pop();
}

/** Kills a process group and, for code-server, the file watcher it leaves behind. */
function killTree(pid) {
  for (const sig of ["SIGTERM", "SIGKILL"]) {
    try {
      process.kill(-pid, sig);
    } catch {
      /* gone */
    }
  }
}

async function problemsRows() {
  return page.$$eval(".markers-panel .monaco-list-row", (rows) => rows.map((r) => r.textContent || ""));
}

/** A Problems-panel row's message: its text before the source ("learnability(LRN101) [Ln 10, Col 47]"). */
function rowMessage(row) {
  const at = row.search(/learnability(-probe)?\(?[A-Z]{3}\d{3}\)?\s*\[Ln/);
  return (at >= 0 ? row.slice(0, at) : row).trim();
}

/** Shows the hover at the cursor (Ctrl+K Ctrl+I) and returns what the user reads in it. */
async function hoverAtCursor(name) {
  await page.keyboard.press("Control+K");
  await page.keyboard.press("Control+I");
  const hover = page.locator(".monaco-hover:visible").first();
  await hover.waitFor({ state: "visible", timeout: 15000 });
  await waitFor("the hover to show the rule", async () => /LRN101/.test((await hover.textContent()) || ""), 15000);
  await page.waitForTimeout(500);
  const parts = await page.$$eval(".monaco-hover .hover-row, .monaco-hover .hover-contents", (els) => els.map((e) => e.textContent || ""));
  const text = (await hover.textContent()) || "";
  // *Quick Fix…* in the hover's status bar must be in view: inside the hover, and the hover inside the window
  const quick = page.locator('.monaco-hover .action-container:has-text("Quick Fix"), .monaco-hover a:has-text("Quick Fix")').first();
  const [qb, hb, vp] = [await quick.boundingBox().catch(() => null), await hover.boundingBox(), page.viewportSize()];
  await shot(name);
  await page.keyboard.press("Escape");
  return { text, parts, quick: qb, hover: hb, viewport: vp };
}

async function openProblems() {
  if (!(await page.isVisible(".markers-panel").catch(() => false))) await page.keyboard.press("Control+Shift+M");
  await page.waitForSelector(".markers-panel", { state: "visible", timeout: 15000 });
}

async function runCommand(title) {
  await page.keyboard.press("F1");
  const input = await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 10000 });
  await input.fill(`>${title}`);
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${title}"]`, { timeout: 10000 });
  await page.keyboard.press("Enter");
}

async function goToLine(line, col) {
  await page.keyboard.press("Control+G");
  const input = await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 10000 });
  await input.fill(`:${line}:${col}`);
  await page.keyboard.press("Enter");
  await page.waitForTimeout(300);
}

async function main() {
  if (!fs.existsSync(vsix)) throw new Error(`no package at ${vsix}: run npm run package first`);
  if (!fs.existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: apt-get install chromium`);
  if (!fs.existsSync(python)) throw new Error(`no Python at ${python}: run scripts/setup.sh`);
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });

  const csDir = codeServerDir();
  const codeServer = path.join(csDir, "node_modules/.bin/code-server");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "learnability-e2e-"));
  cleanups.push(() => {
    // keep VS Code's logs (extension host, the Learnability output channel) with the screenshots
    const logs = path.join(tmp, "user-data", "logs");
    if (fs.existsSync(logs)) fs.cpSync(logs, path.join(artifacts, "logs"), { recursive: true });
    if (process.env.E2E_KEEP !== "1") fs.rmSync(tmp, { recursive: true, force: true });
  });
  const userData = path.join(tmp, "user-data");
  const extDir = path.join(tmp, "extensions");
  const workspace = path.join(tmp, "workspace");
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  fs.mkdirSync(workspace, { recursive: true });
  const target = path.join(workspace, FILE);
  fs.copyFileSync(fixture, target);
  fs.copyFileSync(fourFixture, path.join(workspace, FOUR)); // there from the start: Quick Open lists it
  const original = fs.readFileSync(target, "utf8");
  const settingsFile = path.join(userData, "User/settings.json");
  fs.writeFileSync(
    settingsFile,
    JSON.stringify(
      {
        "security.workspace.trust.enabled": false,
        "learnability.interpreter": python,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "workbench.enableExperiments": false,
        "workbench.welcomePage.walkthroughs.openOnInstall": false,
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "extensions.ignoreRecommendations": true,
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "editor.minimap.enabled": false,
        "editor.fontSize": 14,
        "files.autoSave": "off",
        "window.commandCenter": false,
        "chat.commandCenter.enabled": false,
        "workbench.colorTheme": "Default Dark Modern",
      },
      null,
      2,
    ),
  );
  log(`code-server: ${csDir}`);
  log(`workspace: ${workspace}`);

  await step("the .vsix installs into code-server", async () => {
    const out = execFileSync(codeServer, ["--user-data-dir", userData, "--extensions-dir", extDir, "--install-extension", vsix], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    log(out.trim().split("\n").slice(-2).join(" | "));
    const installed = fs.readdirSync(extDir).filter((d) => d.startsWith("learnability.learnability-"));
    if (installed.length !== 1) throw new Error(`extension folder not found in ${extDir}: ${fs.readdirSync(extDir)}`);
  });

  /** Everything the Learnability output channel wrote, in every window so far. */
  const logText = () => {
    const found = [];
    const walk = (d) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name === "Learnability.log") found.push(p);
      }
    };
    walk(path.join(userData, "logs"));
    return found.map((f) => fs.readFileSync(f, "utf8")).join("\n");
  };

  /** Starts code-server on a free port for a folder; returns the URL and a stop function. */
  async function startCodeServer(folder, { trust = false, logName = "code-server.log" } = {}) {
    const port = await freePort();
    const csLog = fs.openSync(path.join(artifacts, logName), "w");
    const cs = spawn(
      codeServer,
      [
        "--auth", "none",
        "--bind-addr", `127.0.0.1:${port}`,
        "--user-data-dir", userData,
        "--extensions-dir", extDir,
        "--disable-telemetry",
        "--disable-update-check",
        ...(trust ? [] : ["--disable-workspace-trust"]),
        folder,
      ],
      { detached: true, stdio: ["ignore", csLog, csLog], env: { ...process.env, PASSWORD: "" } },
    );
    // SIGTERM to code-server's process group (it, the extension host, the language server), then SIGKILL
    const stop = async () => {
      try {
        process.kill(-cs.pid, "SIGTERM");
      } catch {
        return;
      }
      await waitFor("code-server to exit", () => cs.exitCode !== null || cs.signalCode !== null, 5000, 100).catch(() => {});
      killTree(cs.pid);
    };
    cleanups.push(stop);
    await waitFor("code-server to answer", async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 60000, 500);
    return { url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`, stop };
  }
  const first = await startCodeServer(workspace);
  const url = first.url;

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  cleanups.push(() => browser.close().catch(() => {}));
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  page = await context.newPage();
  page.setDefaultTimeout(20000);

  const ours = () =>
    execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.includes(extDir) && !l.includes("ps -eo"))
      .map((l) => l.trim());
  const noneLeft = () =>
    step("no process of the extension is left once VS Code is gone", async () => {
      await browser.close();
      for (const c of cleanups.filter((c) => c.name === "stop")) await c();
      await waitFor("the server and probe processes to exit", () => ours().length === 0, 15000, 500).catch((err) => {
        const left = ours();
        for (const l of left) {
          try {
            process.kill(Number(l.split(/\s+/)[0]), "SIGKILL");
          } catch {
            /* gone */
          }
        }
        throw new Error(`${err.message}: ${left.join(" | ")}`);
      });
    });
  const editor = () =>
    editorSteps({ page, step, shot, log, waitFor, runCommand, openProblems, problemsRows, startCodeServer, tmp, fixture, python, skipProbe, probeTimeoutMs, logText });
  if (only === "editor") {
    await first.stop();
    await editor();
    await noneLeft();
    return;
  }

  await step("the workbench loads and opens the article's first example", async () => {
    await page.goto(url, { waitUntil: "domcontentloaded", timeout: 60000 });
    await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
    await page.waitForSelector(".explorer-folders-view, .explorer-viewlet", { timeout: 60000 }).catch(() => {});
    await page.waitForTimeout(1500);
    await page.keyboard.press("Control+P");
    const input = await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 15000 });
    await input.fill(FILE);
    await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${FILE}"]`, { timeout: 15000 });
    await page.keyboard.press("Enter");
    await page.waitForSelector(`.tabs-container .tab[aria-label*="${FILE}"]`, { timeout: 15000 });
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 15000 });
  });

  const diagnosticsOk = await step("the Problems panel lists the findings (LRN101, LRN501)", async () => {
    await openProblems();
    const rows = await waitFor(
      "LRN101 and LRN501 in the Problems panel",
      async () => {
        const r = await problemsRows();
        return r.some((t) => t.includes("LRN101")) && r.some((t) => t.includes("LRN501")) ? r : undefined;
      },
      Number(process.env.E2E_DIAGNOSTICS_TIMEOUT_S || 90) * 1000,
      500,
    );
    for (const r of rows) log(`problem: ${r.slice(0, 140)}`);
    if (!rows.some((t) => /learnability/.test(t))) throw new Error("no row names the source 'learnability'");
    // messages that fit: one line, the problem then the remedy, at most 100 characters (nothing cut off)
    for (const r of rows.filter((t) => /learnability/.test(t))) {
      const msg = rowMessage(r);
      log(`message (${msg.length} characters): ${msg}`);
      if (msg.length > 100) throw new Error(`a message of ${msg.length} characters: ${msg}`);
    }
    if (!rows.some((t) => /sigmoid in Conv2D saturates .*: use relu/.test(t))) throw new Error("LRN101's message does not lead with the problem and the remedy");
    await page.waitForTimeout(800);
    await shot("diagnostics");
  });

  await step("a quick fix applied with Ctrl+. changes the text", async () => {
    if (!diagnosticsOk) throw new Error("skipped: no diagnostics");
    // line 10: layers.Conv2D(32, (3, 3), activation="sigmoid", ...): put the cursor on "sigmoid"
    await page.click(".monaco-editor .view-lines");
    await goToLine(10, 45);
    await page.keyboard.press("Control+.");
    await page.waitForSelector('.action-widget .monaco-list-row:has-text("relu")', { timeout: 15000 });
    await page.waitForTimeout(500);
    await shot("quick-fix");
    // the widget's pointer block swallows clicks: choose with the keyboard (the fix is first)
    for (let i = 0; i < 5; i++) {
      const focused = await page.$eval(".action-widget .monaco-list-row.focused", (el) => el.textContent || "").catch(() => "");
      if (/relu/.test(focused)) break;
      await page.keyboard.press("ArrowDown");
    }
    await page.keyboard.press("Enter");
    await waitFor(
      "the editor to show relu on line 10",
      async () => (await page.$$eval(".monaco-editor .view-line", (ls) => ls.map((l) => l.textContent || ""))).some((t) => /Conv2D\(32.*relu/.test(t.replace(/\u00a0/g, " "))),
      10000,
    );
    await page.keyboard.press("Control+S");
    const text = await waitFor(
      "the fix to be saved",
      () => {
        const t = fs.readFileSync(target, "utf8");
        return t !== original ? t : undefined;
      },
      10000,
    );
    const line10 = text.split("\n")[9];
    log(`line 10 after the fix: ${line10.trim()}`);
    if (!/activation="relu"/.test(line10)) throw new Error(`line 10 is not fixed: ${line10}`);
    // back to the file as written, for the probe
    await page.keyboard.press("Control+Z");
    await page.keyboard.press("Control+S");
    await waitFor("the undo to be saved", () => fs.readFileSync(target, "utf8") === original, 10000);
  });

  await step("the hover on a finding is short, does not repeat the message, and keeps Quick Fix in view", async () => {
    await page.click(".monaco-editor .view-lines");
    await goToLine(10, 45);
    const h = await hoverAtCursor("hover");
    const message = rowMessage((await problemsRows()).find((t) => t.includes("LRN101") && /Ln 10,/.test(t)) || "");
    const ours = h.parts.find((t) => t.includes("saturating-hidden-activation")) || "";
    log(`hover: ${h.text.length} characters in all, ${ours.length} of ours; Quick Fix at ${JSON.stringify(h.quick)} in ${JSON.stringify(h.hover)}`);
    if (!ours) throw new Error(`the extension's hover is missing: ${h.text.slice(0, 300)}`);
    if (ours.length > 700) throw new Error(`the hover is ${ours.length} characters long`);
    if (!/Why:/.test(ours) || !/Fix:/.test(ours)) throw new Error(`the hover lacks Why / Fix: ${ours}`);
    if (message && h.text.split(message).length - 1 !== 1) throw new Error(`the message is shown ${h.text.split(message).length - 1} times in the hover`);
    if (!h.quick) throw new Error("no Quick Fix in the hover");
    const inside = h.quick.y >= h.hover.y - 1 && h.quick.y + h.quick.height <= h.hover.y + h.hover.height + 1 && h.quick.y + h.quick.height <= h.viewport.height;
    if (!inside) throw new Error("Quick Fix is outside the hover's visible area");
  });

  await step("Explain rule on a finding opens its rationale", async () => {
    await page.click(".monaco-editor .view-lines");
    await goToLine(10, 45);
    await runCommand("Learnability: Explain rule");
    await page.waitForSelector('.tabs-container .tab[aria-label*="LRN101"]', { timeout: 20000 });
    await page.waitForTimeout(1500);
    await shot("explain-rule");
    await page.keyboard.press("Control+W");
  });

  await step("Restart server brings the diagnostics back", async () => {
    await page.click(".monaco-editor .view-lines");
    await runCommand("Learnability: Restart server");
    await page.waitForTimeout(3000);
    await openProblems();
    await waitFor(
      "LRN101 after the restart",
      async () => (await problemsRows()).some((t) => t.includes("LRN101")),
      60000,
      500,
    );
  });

  if (!skipProbe) {
    await step("the probe from the command palette shows its report and a confirmed / not-confirmed diagnostic", async () => {
      await page.click(".monaco-editor .view-lines");
      await runCommand("Learnability: Run learnability probe");
      // progress notification from the server (work-done progress with cancel)
      await page
        .waitForSelector('.notifications-toasts .notification-toast:has-text("Learnability probe")', { timeout: 30000 })
        .then(() => shot("probe-progress"))
        .catch(() => log("no progress toast seen (it may have ended already)"));
      const frame = await waitFor(
        "the probe report view",
        async () => {
          for (const f of page.frames()) {
            const el = await f.$("#verdict").catch(() => null);
            if (el) return f;
          }
          return undefined;
        },
        probeTimeoutMs,
        1000,
      );
      const verdict = await frame.$eval("#verdict", (el) => el.getAttribute("data-verdict"));
      const summary = await frame.$eval(".summary", (el) => el.textContent).catch(() => "");
      log(`verdict: ${verdict}; ${summary}`);
      if (!verdict) throw new Error("the report has no verdict");
      await page.waitForTimeout(1000);
      await shot("probe-report");
      if (verdict === "error") throw new Error(`the probe reported an error: ${summary}`);
      // the report answers first: the verdict in words, then the causes, each with its fix
      const firstText = await frame.$eval("body", (b) => (b.innerText || "").trim().split("\n")[0]);
      log(`the report's first line: ${firstText}`);
      if (!/^(Learns|Learns slowly|Does not learn|Inconclusive)\b/.test(firstText)) throw new Error(`the report does not open with the verdict: ${firstText}`);
      const causes = await frame.$$eval("li.cause", (els) => els.map((e) => (e.innerText || "").replace(/\s+/g, " ").trim()));
      for (const c of causes) log(`cause: ${c}`);
      if (!causes.length || !causes.some((c) => /LRN101/.test(c))) throw new Error("no ranked cause names LRN101");
      if ((await frame.$$("li.cause button.apply-fix")).length === 0) throw new Error("no cause offers its fix");
      const hasPlot = await frame.$("svg[aria-label='Loss curves']");
      if (!hasPlot) throw new Error("no loss curves in the report");
      // the legend's swatches show their colour under the webview's CSP (SVG strokes, no inline style)
      const swatches = await frame.$$eval(".legend-item", (items) => items.map((it) => {
        const line = it.querySelector("svg.swatch line");
        const series = document.querySelector(`path.series[data-series="${it.getAttribute("data-series")}"]`);
        return { name: it.getAttribute("data-series"), swatch: line ? getComputedStyle(line).stroke : "none", curve: series ? getComputedStyle(series).stroke : "" };
      }));
      log(`legend: ${swatches.map((s) => `${s.name} ${s.swatch}`).join("; ")}`);
      if (!swatches.length || swatches.some((s) => !/^rgb/.test(s.swatch) || s.swatch !== s.curve)) throw new Error(`a swatch without its curve's colour: ${JSON.stringify(swatches)}`);
      if (new Set(swatches.map((s) => s.swatch)).size !== swatches.length) throw new Error("two curves share a colour");
      const plotWidth = await frame.$eval("svg[aria-label='Loss curves']", (s) => s.getBoundingClientRect().width);
      const bodyWidth = await frame.$eval("body", (b) => b.clientWidth);
      log(`loss plot ${plotWidth.toFixed(0)} px wide in a ${bodyWidth} px page`);
      if (plotWidth < Math.min(bodyWidth, 1100) * 0.85) throw new Error("the plot does not use the width it has");
      await openProblems();
      const rows = await waitFor(
        "a confirmed / not-confirmed diagnostic",
        async () => {
          const r = await problemsRows();
          return r.some((t) => /confirmed/i.test(t)) ? r : undefined;
        },
        30000,
        500,
      );
      for (const r of rows.filter((t) => /confirmed/i.test(t))) log(`after probe: ${r.slice(0, 200)}`);
      // the probe's result is a short suffix on the static message, e.g. "(confirmed: fits in 15 steps instead of 26)"
      for (const r of rows.filter((t) => /learnability\(LRN/.test(t))) {
        const msg = rowMessage(r);
        if (msg.length > 150 || /\(confirmed by probe: as written/.test(msg)) throw new Error(`a long probe suffix: ${msg}`);
      }
      await shot("probe-diagnostics");
      const labels = { learns: "Learns", learns_slowly: "Learns slowly", does_not_learn: "Does not learn", inconclusive: "Inconclusive" };
      const status = await waitFor(
        "the verdict in the status bar",
        async () => {
          const items = await page.$$eval(".statusbar-item", (els) => els.map((e) => e.textContent || ""));
          return items.find((t) => t.trim() === labels[verdict]);
        },
        10000,
      );
      log(`status bar: ${status.trim()}`);

      // a line link in the report reveals that line in the editor
      const link = frame.locator('a.line-link[data-line="12"]').first();
      if (await link.count()) {
        await link.click({ timeout: 10000 });
        await waitFor(
          "the cursor on line 12",
          async () => (await page.$$eval(".statusbar-item", (els) => els.map((e) => e.textContent || ""))).some((t) => /Ln 12,/.test(t)),
          10000,
        );
        log("line link revealed line 12");
      } else {
        log("no link to line 12 in the report");
      }
    });

    await step("the hover after the probe says its result in one line and still keeps Quick Fix in view", async () => {
      await page.click(".monaco-editor .view-lines");
      await goToLine(10, 45);
      const h = await hoverAtCursor("hover-after-probe");
      log(`hover after the probe: ${h.text.length} characters: ${h.text.slice(0, 400)}`);
      if (!/Probe:/.test(h.text)) throw new Error("the hover does not say the probe's result");
      if (/as written it fits the batch/.test(h.text)) throw new Error("the hover repeats the probe's long evidence");
      if (!h.quick || h.quick.y + h.quick.height > h.hover.y + h.hover.height + 1) throw new Error("Quick Fix is not in view");
    });

    await step("a cause's fix button in the report applies the quick fix to the code", async () => {
      const frame = await waitFor("the report view", async () => {
        for (const f of page.frames()) if (await f.$("#verdict").catch(() => null)) return f;
        return undefined;
      }, 20000, 500);
      const button = frame.locator('li.cause[data-rule="LRN101"] button.apply-fix').first();
      const title = await button.textContent();
      await button.click({ timeout: 10000 });
      await waitFor(
        "relu on line 10 of the editor",
        async () => (await page.$$eval(".monaco-editor .view-line", (ls) => ls.map((l) => l.textContent || ""))).some((t) => /Conv2D\(32.*relu/.test(t.replace(/\u00a0/g, " "))),
        15000,
      );
      const status = await frame.$eval('li.cause[data-rule="LRN101"] .fix-status', (e) => e.textContent || "").catch(() => "");
      log(`applied "${title}" from the report: ${status}`);
      await shot("report-fix-applied");
      await page.click(".monaco-editor .view-lines");
      await page.keyboard.press("Control+Z");
      await waitFor(
        "the undo",
        async () => !(await page.$$eval(".monaco-editor .view-line", (ls) => ls.map((l) => l.textContent || ""))).some((t) => /Conv2D\(32.*relu/.test(t.replace(/\u00a0/g, " "))),
        10000,
      );
      await page.keyboard.press("Control+S");
    });

    await step("Show last probe report reopens the report (full-size screenshot)", async () => {
      await page.click(".monaco-editor .view-lines");
      for (const title of ["View: Hide Panel", "View: Toggle Primary Side Bar Visibility"]) {
        await runCommand(title).catch(async (err) => {
          log(`${title}: ${String(err).split("\n")[0]}`);
          await page.keyboard.press("Escape");
        });
        await page.waitForTimeout(300);
      }
      await runCommand("View: Close Editors in Other Groups").catch(() => page.keyboard.press("Escape"));
      await page.setViewportSize({ width: 1700, height: 1000 });
      await runCommand("Learnability: Show last probe report");
      await page.waitForSelector('.tabs-container .tab.active[aria-label*="Probe"]', { timeout: 10000 });
      await page.waitForTimeout(2000);
      await shot("probe-report-full");
      await page.setViewportSize({ width: 1400, height: 860 });
      await page.click(".monaco-editor .view-lines");
      await runCommand("View: Toggle Primary Side Bar Visibility").catch(() => page.keyboard.press("Escape"));
    });
  }

  if (!skipProbe) {
    await step("the code lens starts the probe; Cancel in its notification stops it and its training process", async () => {
      await page.click(".monaco-editor .view-lines");
      // locators, not element handles: the lens and the toast are re-rendered as they update
      await page.locator('.monaco-editor .codelens-decoration a:has-text("Run learnability probe")').first().click({ timeout: 15000 });
      const cancel = page.locator('.notifications-toasts .notification-toast:has-text("Learnability probe") .monaco-button:has-text("Cancel")').first();
      await cancel.waitFor({ state: "visible", timeout: 30000 });
      await waitFor("the training process to start", () => ours().some((l) => l.includes("harness.py")), 30000, 250).catch(() => log("no harness process seen before cancelling"));
      await shot("probe-cancel");
      const t0 = Date.now();
      await cancel.click({ timeout: 10000 });
      await waitFor("the probe to stop", async () => {
        const items = await page.$$eval(".statusbar-item", (els) => els.map((e) => e.textContent || ""));
        return !items.some((t) => t.includes("Probing"));
      }, 15000, 200);
      await waitFor("no training process left", () => !ours().some((l) => l.includes("harness.py")), 10000, 200);
      log(`stopped ${((Date.now() - t0) / 1000).toFixed(1)} s after Cancel`);
    });
  }

  if (!skipProbe) {
    await step("four mistakes: the report says Does not learn, ranks the causes, and Apply all fixes fixes them in one edit", async () => {
      const target4 = path.join(workspace, FOUR);
      await page.keyboard.press("Escape");
      await page.keyboard.press("Control+P");
      const input = await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 15000 });
      await input.fill(FOUR);
      await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${FOUR}"]`, { timeout: 15000 });
      await page.keyboard.press("Enter");
      await page.waitForSelector(`.tabs-container .tab.active[aria-label*="${FOUR}"]`, { timeout: 15000 });
      await openProblems();
      await waitFor("LRN102 in the Problems panel", async () => (await problemsRows()).some((t) => t.includes("LRN102")), 60000, 500);
      for (const r of (await problemsRows()).filter((t) => /learnability/.test(t))) {
        const msg = rowMessage(r);
        log(`four mistakes: ${msg}`);
        if (msg.length > 100) throw new Error(`a message of ${msg.length} characters: ${msg}`);
      }
      await shot("four-mistakes-diagnostics");
      await page.click(".monaco-editor .view-lines");
      await runCommand("Learnability: Run learnability probe");
      const frame = await waitFor("the report of four_mistakes.py", async () => {
        for (const f of page.frames()) {
          const name = await f.$eval("code.file", (e) => e.textContent).catch(() => "");
          if (name === FOUR) return f;
        }
        return undefined;
      }, probeTimeoutMs, 1000);
      await page.waitForTimeout(1000);
      const verdict = await frame.$eval("#verdict", (el) => el.getAttribute("data-verdict"));
      const causes = await frame.$$eval("li.cause", (els) => els.map((e) => e.getAttribute("data-rule")));
      log(`verdict ${verdict}; causes ${causes.join(", ")}`);
      await shot("four-mistakes-report");
      if (verdict !== "does_not_learn") throw new Error(`verdict ${verdict}`);
      for (const rule of ["LRN101", "LRN102", "LRN301", "LRN501"]) if (!causes.includes(rule)) throw new Error(`${rule} is not among the causes`);
      const original4 = fs.readFileSync(target4, "utf8");
      await frame.locator("#apply-all").click({ timeout: 10000 });
      const status = await waitFor("the view to say the fixes are applied", async () => {
        const s = await frame.$eval('.fix-status[data-for="apply-all"]', (e) => e.textContent || "").catch(() => "");
        return s || undefined;
      }, 15000, 250);
      log(`Apply all fixes: ${status}`);
      await shot("four-mistakes-apply-all");
      // what the edit did, read from the saved file; then one undo takes it all back
      await page.click(`.tabs-container .tab[aria-label*="${FOUR}"]`);
      await page.keyboard.press("Control+S");
      const fixed = await waitFor("the fixed script on disk", () => {
        const t = fs.readFileSync(target4, "utf8");
        return t !== original4 ? t : undefined;
      }, 10000, 250);
      log(`after Apply all fixes:\n${fixed}`);
      const want = [/Conv2D\(8, 3, activation="relu"\),\n\s+layers\.Conv2D\(8, 3, activation="relu"\)/, /Dense\(1, activation="sigmoid"\)/,
        /learning_rate=0\.001/, /fit\(X \/ 255\.0, y/];
      const missed = want.filter((re) => !re.test(fixed));
      if (missed.length) throw new Error(`fixes missing: ${missed.join(", ")}`);
      await page.click(".monaco-editor .view-lines");
      await page.keyboard.press("Control+Z");
      await page.keyboard.press("Control+S");
      await waitFor("one undo to bring the script back", () => fs.readFileSync(target4, "utf8") === original4, 10000, 250);
    });
  }

  // A Python with neither the server's packages nor TensorFlow (Debian's own python3): the bundled
  // libraries make linting work there, and the probe says TensorFlow is missing; a system Python is never
  // offered a pip install (a .venv is, and the interpreter quick pick).
  const bare = ["/usr/bin/python3", "/usr/local/bin/python3"].find((p) => {
    try {
      execFileSync(p, ["-c", "import sys, importlib.util as u; sys.exit(1 if sys.version_info < (3, 10) or u.find_spec('tensorflow') or u.find_spec('pygls') else 0)"]);
      return true;
    } catch {
      return false;
    }
  });
  if (!bare) {
    log("no Python without TensorFlow and pygls here: the bare-interpreter test is skipped");
  } else {
    await step(`changing learnability.interpreter restarts the server; a bare ${bare} lints with the bundled libraries`, async () => {
      // through the Settings editor, as a user would
      await page.keyboard.press("Escape");
      await page.click(".monaco-editor .view-lines").catch(() => {});
      await runCommand("Preferences: Open User Settings");
      const search = await page.waitForSelector(".settings-editor .suggest-input-container .monaco-editor textarea, .settings-editor .settings-header textarea", { timeout: 20000 });
      await search.focus();
      await page.keyboard.type("learnability.interpreter");
      await page.waitForSelector('.settings-editor .setting-item-title:has-text("Interpreter")', { timeout: 20000 });
      await page.locator(".settings-editor .settings-body .setting-item-control input").first().click({ clickCount: 3, timeout: 20000 });
      await page.keyboard.press("Control+A");
      await page.keyboard.type(bare);
      await page.keyboard.press("Tab");
      await waitFor("the setting to be saved", () => fs.readFileSync(settingsFile, "utf8").includes(`"learnability.interpreter": "${bare}"`), 15000, 500);
      await page.keyboard.press("Control+W");
      await page.click(".monaco-editor .view-lines").catch(() => {});
      await waitFor(`the server to restart with ${bare}`, () => logText().includes(`: ${bare} (from setting)`), 30000, 500);
      await openProblems();
      await waitFor("LRN101 from the restarted server", async () => (await problemsRows()).some((t) => t.includes("LRN101")), 60000, 500);
      await page.click(".monaco-editor .view-lines");
      await runCommand("Learnability: Run learnability probe");
      const toast = await page.waitForSelector('.notifications-toasts .notification-toast:has-text("TensorFlow is not installed")', { timeout: 30000 });
      const text = await toast.textContent();
      log(`notification: ${text.slice(0, 200)}`);
      // a system Python: never pip into it; a .venv is offered instead, and "Select interpreter" opens the pick
      if (text.includes("pip install")) throw new Error("the notification offers to pip-install into a system Python");
      if (!(await toast.$('.monaco-button:has-text("Create .venv")'))) throw new Error("no Create .venv button for a system Python");
      await page.waitForTimeout(800); // the toast slides in
      await shot("tensorflow-missing");
      await (await toast.$('.monaco-button:has-text("Select interpreter")')).click();
      await page.waitForSelector('.quick-input-widget .quick-input-list .monaco-list-row[aria-label*="Browse"]', { timeout: 15000 });
      await shot("tensorflow-missing-select-interpreter");
      await page.keyboard.press("Escape");
    });
  }

  // Workspace trust: a fresh code-server with trust on, a folder the user does not trust.
  await step("untrusted workspace: linting works, the probe is disabled with an explanation", async () => {
    await first.stop();
    const settings = JSON.parse(fs.readFileSync(settingsFile, "utf8"));
    settings["security.workspace.trust.enabled"] = true;
    settings["security.workspace.trust.startupPrompt"] = "always";
    settings["learnability.interpreter"] = python;
    fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    const untrusted = path.join(tmp, "untrusted");
    fs.mkdirSync(untrusted);
    fs.copyFileSync(fixture, path.join(untrusted, FILE));
    const second = await startCodeServer(untrusted, { trust: true, logName: "code-server-untrusted.log" });
    await page.goto(second.url, { waitUntil: "domcontentloaded", timeout: 60000 });
    await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
    await page.locator('.monaco-dialog-box .monaco-button:has-text("No")').first().click({ timeout: 30000 });
    await page.waitForTimeout(1000);
    await page.keyboard.press("Control+P");
    const input = await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 15000 });
    await input.fill(FILE);
    await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${FILE}"]`, { timeout: 15000 });
    await page.keyboard.press("Enter");
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 15000 });
    await openProblems();
    await waitFor("LRN101 in restricted mode", async () => (await problemsRows()).some((t) => t.includes("LRN101")), 60000, 500);
    await page.click(".monaco-editor .view-lines");
    await runCommand("Learnability: Run learnability probe");
    const toast = await page.waitForSelector('.notifications-toasts .notification-toast:has-text("untrusted workspace")', { timeout: 20000 });
    log(`notification: ${(await toast.textContent()).slice(0, 200)}`);
    await shot("untrusted-workspace");
  });

  await editor();
  await noneLeft();
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  results.push({ name: "setup", ok: false });
  console.log(`not ok ${results.length} - setup`);
  console.log(String(err && err.stack ? err.stack : err).replace(/^/gm, "#   "));
  if (page) await shot("failed-setup").catch(() => {});
} finally {
  for (const c of cleanups.reverse()) {
    try {
      await c();
    } catch {
      /* best effort */
    }
  }
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`e2e: ${passed} passed, ${failed} failed`);
if (failed) exitCode = 1;
process.exit(exitCode);
