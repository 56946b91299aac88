// Checks a production build of the admin site (vite build --manifest):
//  1. no trace of the demo sign-in (it exists only in `--mode demo` builds);
//  2. the queue screen's first load (entry + layout + queue view, with their static imports and
//     CSS) is at most 300 KB of gzipped JS + CSS, and ECharts is not part of it.
// Usage: node scripts/check-build.mjs DIST_DIR   (prints the figures docs/performance.md quotes)
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dist = process.argv[2] ?? "dist";
const LIMIT = 300 * 1024;
const manifest = JSON.parse(readFileSync(join(dist, ".vite/manifest.json"), "utf8"));
const failures = [];

const traces = ["/dev/token", "演示账号", "王科员", "demo-wuchang"];
for (const file of readdirSync(join(dist, "assets"))) {
  const text = readFileSync(join(dist, "assets", file), "utf8");
  for (const trace of traces) if (text.includes(trace)) failures.push(`${file} contains "${trace}"`);
}

/** A chunk's files with everything it imports statically. */
function closure(keys, seen = new Set()) {
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    closure(manifest[key].imports ?? [], seen);
  }
  return seen;
}
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
function weigh(keys) {
  let js = 0;
  let css = 0;
  const files = [];
  for (const key of closure(keys)) {
    const chunk = manifest[key];
    js += gz(chunk.file);
    files.push(chunk.file);
    for (const sheet of chunk.css ?? []) css += gz(sheet);
  }
  return { js, css, total: js + css, files };
}
const find = (suffix) => Object.keys(manifest).find((k) => k.endsWith(suffix));
const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
const queue = weigh([entry, find("components/AppLayout.vue"), find("views/ReportList.vue")]);
const dashboard = weigh([find("views/StatsDashboard.vue")]);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`queue screen, first load: ${kb(queue.js)} JS + ${kb(queue.css)} CSS = ${kb(queue.total)} gzipped (limit ${kb(LIMIT)})`);
console.log(`dashboard route with all it imports: ${kb(dashboard.total)} gzipped (ECharts loads on that route only)`);
if (queue.total > LIMIT) failures.push(`the queue screen loads ${kb(queue.total)} > ${kb(LIMIT)}`);
const echartsChunk = manifest[find("views/StatsDashboard.vue")].file;
if (queue.files.includes(echartsChunk)) failures.push("the queue screen loads the dashboard chunk");
for (const file of queue.files) {
  if (readFileSync(join(dist, file), "utf8").includes("echarts")) failures.push(`${file} (queue screen) carries ECharts`);
}
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log("production build: no demo sign-in; bundle budget kept");
