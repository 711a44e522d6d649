// End-to-end steps for the editor experience (issue 14, parts 3-5), in their own code-server window on a
// folder of their own: a notebook that holds the classic mistakes in separate cells, and a `.venv`.
//   - notebooks as cells: the Problems panel cites "line N of cell C"; a report link opens the notebook
//     (not its JSON) with that cell focused and the cursor on that line;
//   - settings that reach the probe: an editor threshold (lr_max_adaptive) silences LRN301 in the editor
//     and in the probe's report, which says which thresholds it used;
//   - the right Python: "Learnability: Select interpreter" lists the folder's .venv, PATH and Browse…;
//     picking the .venv restarts the server in it, and TensorFlow missing there is offered for install.
// Called by e2e.mjs (`--only editor` runs just these); `t` holds its helpers.

import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";

export const NOTEBOOK = "mistakes.ipynb";

/**
 * The notebook, made from the article's first example (one source): a markdown cell, then data, model,
 * and compile + fit in three code cells, with Adam at 0.5. Returns its JSON and where things are, in the
 * notebook's own numbering (cell numbers count the markdown cell; lines are 1-based in their cell).
 */
export function buildNotebook(fixtureText) {
  const lines = fixtureText.split("\n");
  const body = lines.slice(lines.findIndex((l) => l.startsWith("import ")));
  const at = (prefix) => body.findIndex((l) => l.startsWith(prefix));
  const data = body.slice(0, at("model = ")).join("\n").trimEnd();
  const model = body.slice(at("model = "), at("model.compile")).join("\n").trimEnd();
  const train = body
    .slice(at("model.compile"))
    .join("\n")
    .trimEnd()
    .replace('optimizer="adam"', "optimizer=keras.optimizers.Adam(learning_rate=0.5)");
  if (!train.includes("learning_rate=0.5")) throw new Error("the fixture's compile line changed: update buildNotebook");
  const cells = [
    { cell_type: "markdown", metadata: {}, source: "# Four classic mistakes\nSigmoid convolutions, inputs up to 100, Adam at 0.5." },
    ...[data, model, train].map((source) => ({ cell_type: "code", metadata: {}, source, outputs: [], execution_count: null })),
  ];
  const lineOf = (text, needle) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
  return {
    json: JSON.stringify(
      { cells, metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" }, language_info: { name: "python" } }, nbformat: 4, nbformat_minor: 5 },
      null,
      1,
    ),
    // cell 2: the data, cell 3: the model, cell 4: compile and fit
    dataCell: 2,
    xLine: lineOf(data, "X = "),
    modelCell: 3,
    firstSigmoidLine: lineOf(model, '"sigmoid"'),
    trainCell: 4,
  };
}

export async function editorSteps(t) {
  const { page, step, shot, log, waitFor, runCommand, openProblems, problemsRows, startCodeServer, tmp, fixture, python, skipProbe, probeTimeoutMs, logText } = t;
  const folder = path.join(tmp, "editor");
  fs.mkdirSync(path.join(folder, ".vscode"), { recursive: true });
  const nb = buildNotebook(fs.readFileSync(fixture, "utf8"));
  fs.writeFileSync(path.join(folder, NOTEBOOK), nb.json);
  // a real virtual environment (no pip, no TensorFlow: quick to make, and the probe must say so)
  execFileSync(python, ["-m", "venv", "--without-pip", path.join(folder, ".venv")]);
  const venvPython = path.join(folder, ".venv", "bin", "python");
  const workspaceSettings = path.join(folder, ".vscode", "settings.json");
  fs.writeFileSync(workspaceSettings, "{}\n");

  const server = await startCodeServer(folder, { logName: "code-server-editor.log" });

  const statusItems = () => page.$$eval(".statusbar-item", (els) => els.map((e) => e.textContent || ""));
  const reportFrame = () =>
    waitFor(
      "the probe report view",
      async () => {
        for (const f of page.frames()) if (await f.$("#verdict").catch(() => null)) return f;
        return undefined;
      },
      probeTimeoutMs,
      1000,
    );

  const opened = await step("a notebook's findings sit in their cells and cite 'line N of cell C'", async () => {
    await page.goto(server.url, { waitUntil: "domcontentloaded", timeout: 60000 });
    await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
    await page.waitForTimeout(1500);
    await page.keyboard.press("Control+P");
    const input = await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 15000 });
    await input.fill(NOTEBOOK);
    await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${NOTEBOOK}"]`, { timeout: 15000 });
    await page.keyboard.press("Enter");
    await page.waitForSelector(".notebook-editor .cell-list-container", { timeout: 30000 });
    await openProblems();
    const rows = await waitFor(
      "LRN101, LRN301 and LRN501 from the notebook's cells",
      async () => {
        const r = await problemsRows();
        return ["LRN101", "LRN301", "LRN501"].every((id) => r.some((x) => x.includes(id))) ? r : undefined;
      },
      90000,
      500,
    );
    for (const r of rows) log(`problem: ${r.slice(0, 160)}`);
    const made = rows.find((r) => r.includes("LRN501")) ?? "";
    const expected = `line ${nb.xLine} of cell ${nb.dataCell}`;
    if (!made.includes(expected)) throw new Error(`LRN501 should cite "${expected}" (where X is made): ${made}`);
    await shot("notebook-problems");
  });

  await step("Select interpreter lists the folder's .venv, PATH and Browse…, grouped", async () => {
    await runCommand("Learnability: Select interpreter");
    const labels = await waitFor(
      "the workspace's .venv in the quick pick",
      async () => {
        const r = await page.$$eval(".quick-input-list .monaco-list-row", (els) => els.map((e) => e.getAttribute("aria-label") || e.textContent || ""));
        return r.some((x) => x.includes(venvPython)) ? r : undefined;
      },
      30000,
      300,
    );
    log(`quick pick: ${labels.join(" | ")}`);
    if (!/Browse/.test(labels[0])) throw new Error(`"Browse…" is not the first item: ${labels[0]}`);
    const venvRow = labels.find((x) => x.includes(venvPython));
    // each group's first row carries its heading
    if (!/Python 3\.\d+\.\d+ \(\.venv\).*Workspace/.test(venvRow)) throw new Error(`the .venv row has no version, name or heading: ${venvRow}`);
    if (fs.existsSync("/usr/bin/python3") && !labels.some((x) => x.includes("/usr/bin/python3") && x.includes("On PATH"))) {
      throw new Error("python3 on PATH (past any pyenv shims) is not offered");
    }
    if (labels.some((x) => /shims/.test(x))) throw new Error("a pyenv shim is offered as an environment");
    const old = labels.filter((x) => /Python (2\.|3\.[0-9]\.)/.test(x));
    if (old.length) throw new Error(`interpreters too old to run the server are offered: ${old.join(" | ")}`);
    await shot("interpreter-quick-pick");
    await page.keyboard.press("Escape");
  });

  if (!skipProbe && opened) {
    await step("the probe honours the editor's threshold setting, and its report says which thresholds it used", async () => {
      fs.writeFileSync(workspaceSettings, JSON.stringify({ "learnability.thresholds": { lr_max_adaptive: 0.6 } }, null, 2));
      await waitFor("LRN301 to leave the Problems panel", async () => !(await problemsRows()).some((r) => r.includes("LRN301")), 30000, 500);
      await page.locator(".notebook-editor .cell-list-container .monaco-list-row .monaco-editor").first().click();
      await runCommand("Learnability: Run learnability probe");
      const frame = await reportFrame();
      const verdict = await frame.$eval("#verdict", (el) => el.getAttribute("data-verdict"));
      log(`verdict: ${verdict}`);
      if (verdict === "error") throw new Error(`the probe failed: ${await frame.$eval("body", (b) => b.textContent?.slice(0, 400))}`);
      const used = await frame.$eval("#thresholds summary", (el) => el.textContent || "");
      log(`report: ${used}`);
      if (!used.includes("lr_max_adaptive = 0.6 (editor settings)")) throw new Error(`the report does not name the editor's threshold: ${used}`);
      if (await frame.$('.finding[data-rule="LRN301"]')) throw new Error("the report still tests LRN301, which the editor's threshold silenced");
      if (!(await frame.$('.finding[data-rule="LRN101"]'))) throw new Error("the report has no LRN101 (the sigmoid convolutions)");
      if ((await problemsRows()).some((r) => r.includes("LRN301"))) throw new Error("LRN301 came back after the probe");
      await frame.$eval("#thresholds", (el) => el.scrollIntoView());
      await shot("probe-report-editor-threshold");
    });

    await step("a report link opens the notebook with the cell focused and the cursor on the line", async () => {
      const frame = await reportFrame();
      await frame.$eval("body", () => window.scrollTo(0, 0));
      // the cause's link, at the top of the report (the per-finding details below are folded)
      const link = frame.locator('.cause[data-rule="LRN101"] a.line-link[data-cell], .finding[data-rule="LRN101"] a.line-link[data-cell]').first();
      const cell = Number(await link.getAttribute("data-cell"));
      const line = Number(await link.getAttribute("data-line"));
      const text = await link.textContent();
      log(`link: ${text} (cell ${cell}, line ${line})`);
      if (cell !== nb.modelCell || line !== nb.firstSigmoidLine) {
        throw new Error(`the LRN101 link should point at line ${nb.firstSigmoidLine} of cell ${nb.modelCell}, not "${text}"`);
      }
      if (text !== `line ${line} of cell ${cell}`) throw new Error(`the link reads "${text}"`);
      await link.click({ timeout: 10000 });
      const focused = await waitFor(
        `cell ${cell} focused in the notebook editor`,
        async () => {
          const idx = await page.$eval(".notebook-editor .cell-list-container .monaco-list-row.focused", (el) => el.getAttribute("data-index")).catch(() => null);
          return idx !== null && Number(idx) === cell - 1 ? idx : undefined;
        },
        15000,
      );
      await waitFor(`"Cell ${cell} of 4" in the status bar`, async () => (await statusItems()).some((s) => s.includes(`Cell ${cell} of 4`)), 10000);
      // the cursor in that cell's editor, on the line (a notebook's status bar shows no Ln/Col): its top / line height
      let seen;
      let at;
      try {
        at = await waitFor(
          `the cursor on line ${line} of the cell`,
          async () => {
            const r = await page.$eval(".notebook-editor .cell-list-container .monaco-list-row.focused .monaco-editor", (ed) => {
              const cursor = ed.querySelector(".cursors-layer .cursor");
              const lines = [...ed.querySelectorAll(".view-lines .view-line")].map((l) => ({ top: parseFloat(l.style.top), h: l.offsetHeight, text: l.textContent || "" }));
              if (!cursor || !lines.length) return { cursor: !!cursor, lines: lines.length };
              lines.sort((a, b) => a.top - b.top);
              const top = parseFloat(cursor.style.top);
              const n = Math.round((top - lines[0].top) / lines[0].h);
              return { line: n + 1, text: lines[n]?.text ?? "", top, tops: lines.map((l) => l.top) };
            });
            seen = r;
            return r && r.line === line ? r : undefined;
          },
          10000,
        );
      } catch (err) {
        throw new Error(`${err.message} (last seen: ${JSON.stringify(seen)})`);
      }
      if (!at.text.includes('"sigmoid"')) throw new Error(`line ${line} of cell ${cell} is not the sigmoid conv: ${at.text}`);
      // the notebook, not its JSON: no text editor shows the file's "cells" array
      const json = await page.$$eval(".editor-instance .monaco-editor .view-line", (ls) => ls.some((l) => /"cells"|"cell_type"/.test(l.textContent || "")));
      if (json) throw new Error("the .ipynb was opened as JSON");
      log(`focused row index ${focused}`);
      await shot("notebook-link-revealed");
    });
  }

  await step("picking the .venv restarts the server in it; TensorFlow missing there is offered for install (a venv may take it)", async () => {
    await runCommand("Learnability: Select interpreter");
    const row = page.locator(`.quick-input-list .monaco-list-row[aria-label*="${venvPython}"]`).first();
    await row.waitFor({ state: "visible", timeout: 30000 });
    await row.click();
    await waitFor("the workspace setting", () => fs.readFileSync(workspaceSettings, "utf8").includes(`"learnability.interpreter": "${venvPython}"`), 15000, 300);
    await waitFor(`the server to restart with ${venvPython}`, () => logText().includes(`: ${venvPython} (from setting)`), 60000, 500);
    await openProblems();
    await waitFor("the findings again, from the server in the .venv", async () => (await problemsRows()).some((r) => r.includes("LRN101")), 60000, 500);
    if (skipProbe) return;
    await runCommand("Learnability: Run learnability probe"); // the notebook is the active editor
    const toast = await page.waitForSelector('.notifications-toasts .notification-toast:has-text("TensorFlow is not installed")', { timeout: 30000 });
    const text = (await toast.textContent()) ?? "";
    log(`notification: ${text.slice(0, 240)}`);
    if (!text.includes(`${venvPython} -m pip install tensorflow`)) throw new Error("the notification does not give the install command for the venv");
    if (!(await toast.$('.monaco-button:has-text("Install in terminal")'))) throw new Error("no Install in terminal button for a venv");
    await page.waitForTimeout(800); // the toast slides in
    await shot("tensorflow-missing-venv");
  });

  await server.stop();
}
