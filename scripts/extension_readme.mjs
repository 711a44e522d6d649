// Writes dist/README.md, the extension's README (the Marketplace page and VS Code's extension view), from
// docs/readme/extension.md: its relative image links (../img/x.png) become absolute ones on the
// repository named in package.json, because the extension page cannot resolve relative links (vsce
// rewrites them only from a repository URL, and runs with --no-rewrite-relative-links here).
//   node scripts/extension_readme.mjs [OUT]      (npm run readme)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const repo = String(pkg.repository?.url ?? pkg.repository ?? "");
const m = /github\.com[/:]([^/]+\/[^/.]+)/.exec(repo);
if (!m) {
  console.error(`extension_readme: package.json's repository (${repo || "missing"}) is not a GitHub URL`);
  process.exit(1);
}
const images = `https://raw.githubusercontent.com/${m[1]}/HEAD/docs/img/`;
const text = readFileSync(join(root, "docs", "readme", "extension.md"), "utf8").replace(/\]\(\.\.\/img\//g, `](${images}`);
const out = process.argv[2] ?? join(root, "dist", "README.md");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, text);
console.log(`wrote ${out}`);
