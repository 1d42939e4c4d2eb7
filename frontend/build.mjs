// Bundles the front-end entry points into static/dist/ with esbuild.
//
//   npm ci && npm run build
//
// static/dist/ is git-ignored build output. To add a bundle (for example the
// BPMN modeler), append an entry to `bundles` below.
import { build } from "esbuild";
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = resolve(root, "static/dist");

/** Each bundle: `entry` (relative to the repo root) -> `out` (relative to static/dist/). */
const bundles = [
  { entry: "frontend/main.js", out: "app.js" },
  // { entry: "frontend/bpmn-modeler.js", out: "bpmn-modeler.js" },
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

await mkdir(outdir, { recursive: true });

const started = Date.now();
try {
  await Promise.all(
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
console.log(`Built ${bundles.length} bundle(s) into static/dist/ in ${Date.now() - started} ms`);
