// Checks a production build of the admin site (vite build --manifest):
//  1. no trace of the demo sign-in (it exists only in `--mode demo` builds);
//  2. the queue screen's first load (entry + layout + queue view, with their static imports and
//     CSS) is at most 300 KB of gzipped JS + CSS, and ECharts is not part of it.
// Usage: node scripts/check-build.mjs DIST_DIR   (prints the figures docs/performance.md quotes)
import { kb, readBuild } from "../../tools/bundle.mjs";

const LIMIT = 300 * 1024;
const build = readBuild(process.argv[2] ?? "dist");
const failures = build.traces(["/dev/token", "演示账号", "王科员", "demo-wuchang"]);

const queue = build.weigh([build.entry, build.find("components/AppLayout.vue"), build.find("views/ReportList.vue")]);
const dashboardKey = build.find("views/StatsDashboard.vue");
const dashboard = build.weigh([dashboardKey]);
console.log(`queue screen, first load: ${kb(queue.js)} JS + ${kb(queue.css)} CSS = ${kb(queue.total)} gzipped (limit ${kb(LIMIT)})`);
console.log(`dashboard route with all it imports: ${kb(dashboard.total)} gzipped (ECharts loads on that route only)`);
if (queue.total > LIMIT) failures.push(`the queue screen loads ${kb(queue.total)} > ${kb(LIMIT)}`);
if (queue.files.includes(build.manifest[dashboardKey].file)) failures.push("the queue screen loads the dashboard chunk");
for (const file of queue.files) {
  if (build.text(file).includes("echarts")) failures.push(`${file} (queue screen) carries ECharts`);
}
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log("production build: no demo sign-in; bundle budget kept");
