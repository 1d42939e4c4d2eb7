// `npm run layout -- IN.bpmn OUT.bpmn`: write a copy of a BPMN file with a drawn diagram (pool, lanes, flows).
// The input is never rewritten: the shipped processes stay semantics only; the modeler lays them out itself.
import { readFile, writeFile } from "node:fs/promises";
import { build } from "esbuild";

const [input, output] = process.argv.slice(2);
if (!input || !output || input === output) {
  console.error("usage: npm run layout -- IN.bpmn OUT.bpmn   (OUT must differ from IN)");
  process.exit(2);
}
// layout.js imports JSON and ES modules written for the browser bundle: bundle it for Node first.
const bundled = await build({
  entryPoints: [new URL("./layout.js", import.meta.url).pathname],
  bundle: true,
  format: "esm",
  platform: "node",
  write: false,
  logLevel: "error",
});
const url = `data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString("base64")}`;
const { layoutWithLanes } = await import(url);
const xml = await readFile(input, "utf8");
await writeFile(output, await layoutWithLanes(xml));
console.log(`${input} → ${output}`);
