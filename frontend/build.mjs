// Bundles the front-end entry points into static/dist/ with esbuild.
//
//   npm ci && npm run build
//
// static/dist/ is git-ignored build output. To add a bundle, append an entry to `bundles` below.
// A bundle that imports CSS gets a .css file of the same name next to its .js (one file per bundle: the
// BPMN icon font is inlined, so a page makes no further requests; nothing is loaded from a CDN).
import { build } from "esbuild";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = resolve(root, "static/dist");
const require = createRequire(import.meta.url);

/** Options of the BPMN bundles: the bpmn-font is inlined as woff2; its other formats are never fetched. */
const bpmnOptions = {
  loader: { ".woff2": "dataurl", ".woff": "empty", ".ttf": "empty", ".eot": "empty", ".svg": "empty" },
  metafile: true,
};

/** Each bundle: `entry` (relative to the repo root) -> `out` (relative to static/dist/). */
const bundles = [
  { entry: "frontend/main.js", out: "app.js" },
  { entry: "frontend/leaders-charts.js", out: "leaders-charts.js" },
  { entry: "frontend/ratings-charts.js", out: "ratings-charts.js" },
  { entry: "frontend/insight-charts.js", out: "insight-charts.js" },
  { entry: "frontend/survey-charts.js", out: "survey-charts.js" },
  { entry: "frontend/bpmn/modeler.js", out: "bpmn-modeler.js", options: bpmnOptions },
  { entry: "frontend/bpmn/viewer.js", out: "bpmn-viewer.js", options: bpmnOptions },
  // Leaflet's images (markers, layer icons) are inlined: the map makes no request but its data and tiles.
  { entry: "frontend/places/map.js", out: "map.js", options: { loader: { ".png": "dataurl" }, metafile: true } },
];

/** Options shared by every bundle. */
const common = {
  bundle: true,
  format: "iife",
  minify: true,
  target: "es2020",
  platform: "browser",
  sourcemap: false,
  legalComments: "eof",
  logLevel: "info",
  absWorkingDir: root,
};

/** The static lint resolver (frontend/bpmn/lint-recommended.js) must list exactly bpmnlint's recommended rules. */
async function checkLintRules() {
  const recommended = Object.keys(require("bpmnlint/config/recommended").rules).sort();
  const source = await readFile(resolve(root, "frontend/bpmn/lint-recommended.js"), "utf8");
  const listed = [...source.matchAll(/from "bpmnlint\/rules\/([a-z-]+)"/g)].map((m) => m[1]).sort();
  if (JSON.stringify(recommended) !== JSON.stringify(listed)) {
    console.error("frontend/bpmn/lint-recommended.js does not match bpmnlint/config/recommended:");
    console.error(`  expected ${recommended.join(", ")}`);
    console.error(`  listed   ${listed.join(", ")}`);
    process.exit(1);
  }
}

/** Licence texts of the npm packages inside the bundles (bpmn-js requires its notice to ship with it). */
async function writeLicences(metafiles) {
  const packages = new Set();
  for (const metafile of metafiles) {
    for (const input of Object.keys(metafile.inputs)) {
      const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
      if (match) packages.add(match[1]);
    }
  }
  const parts = [];
  for (const name of [...packages].sort()) {
    const dir = resolve(root, "node_modules", name);
    const pkg = JSON.parse(await readFile(resolve(dir, "package.json"), "utf8"));
    let text = "";
    for (const file of ["LICENSE", "LICENSE.md", "LICENSE.txt", "license", "LICENCE"]) {
      try {
        text = await readFile(resolve(dir, file), "utf8");
        break;
      } catch {
        // try the next name
      }
    }
    parts.push(`${"=".repeat(78)}\n${name} ${pkg.version} — ${pkg.license || "see below"}\n${"=".repeat(78)}\n${text.trim() || "(no licence file in the package)"}\n`);
  }
  await writeFile(resolve(outdir, "bpmn-licences.txt"), parts.join("\n"));
}

await mkdir(outdir, { recursive: true });
await checkLintRules();

const started = Date.now();
let results;
try {
  results = await Promise.all(
    bundles.map(({ entry, out, options = {} }) =>
      build({
        ...common,
        ...options,
        entryPoints: [resolve(root, entry)],
        outfile: resolve(outdir, out),
      }),
    ),
  );
} catch {
  // esbuild has already printed the errors.
  process.exit(1);
}
await writeLicences(results.filter((r) => r.metafile).map((r) => r.metafile));
console.log(`Built ${bundles.length} bundle(s) into static/dist/ in ${Date.now() - started} ms`);
