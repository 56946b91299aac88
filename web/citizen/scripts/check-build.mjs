// Checks a production build of the citizen H5 (vite build --manifest):
//  1. no trace of the demo sign-in (it exists only in `--mode demo` builds), nor of any one
//     province: its names come from /v1/meta, so one build serves every province;
//  2. 首页's first load (entry + home view, with their static imports and CSS) is at most
//     200 KB of gzipped JS + CSS.
// Usage: node scripts/check-build.mjs DIST_DIR   (prints the figures docs/performance.md quotes)
import { kb, readBuild } from "../../tools/bundle.mjs";

const LIMIT = 200 * 1024;
const build = readBuild(process.argv[2] ?? "dist");
const failures = build.traces(["/dev/token", "演示用户", "h5-demo-", "湖北", "鄂", "武汉", "常州"]);

const home = build.weigh([build.entry, build.find("views/HomeView.vue")]);
const form = build.weigh([build.find("views/ReportForm.vue")]);
console.log(`首页, first load: ${kb(home.js)} JS + ${kb(home.css)} CSS = ${kb(home.total)} gzipped (limit ${kb(LIMIT)})`);
console.log(`线索上报 route with all it imports: ${kb(form.total)} gzipped`);
if (home.total > LIMIT) failures.push(`首页 loads ${kb(home.total)} > ${kb(LIMIT)}`);
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log("production build: no demo sign-in, no province's name; bundle budget kept");
