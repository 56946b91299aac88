// The sites' end-to-end runs share this: Debian's Chromium through playwright-core, calls to the
// local server's API, and screenshots checked with axe-core (no serious or critical finding).
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import axe from "axe-core";
import { chromium, selectors } from "playwright-core";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SHOTS = `${ROOT}docs/screenshots/`;

export function createRun(base) {
  const run = {
    browser: null,
    page: null,
    /** Console errors other than Chromium's line per 4xx (those are checked one by one). */
    consoleErrors: [],
    /** HTTP errors the browser saw; each must be one the test provoked. */
    failedResponses: [],
    axeFindings: [],

    async api(path, { token, method = "GET", body, headers = {} } = {}) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text.startsWith("{") ? JSON.parse(text) : null, text };
    },

    async token(claims) {
      const { json } = await run.api("/dev/token", { method: "POST", body: claims });
      return json.token;
    },

    /** A staff token for someone the province supervisor puts on the roster first (人员管理): the
     * roster, not the token's claims, makes them a handler of `agency` or a supervisor of `region`. */
    async staffToken({ sub, name, agency = "", region, staff_role }) {
      const { json: meta } = await run.api("/v1/meta");
      const province = meta.regions.province.code;
      const admin = await run.token({ role: "staff", sub: `demo-${province}`, name: "省级督导", region: province, staff_role: "province" });
      const entry = staff_role === "handler" ? { agency_id: agency } : { region };
      const added = await run.api("/v1/staff/roster", { token: admin, method: "POST", body: { sub, name, role: staff_role, ...entry } });
      if (added.status !== 201 && added.status !== 409) throw new Error(`roster: ${added.status} ${added.text}`);
      return run.token({ role: "staff", sub, name, agency, region, staff_role });
    },

    /** Starts Chromium with one page; `context` are playwright's context options. */
    async launch(context) {
      await mkdir(SHOTS, { recursive: true });
      selectors.setTestIdAttribute("data-test");
      run.browser = await chromium.launch({
        executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
      });
      const ctx = await run.browser.newContext({ locale: "zh-CN", ...context });
      run.page = await ctx.newPage();
      run.page.on("console", (message) => {
        if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) run.consoleErrors.push(message.text());
      });
      run.page.on("response", (response) => {
        if (response.status() >= 400) run.failedResponses.push(`${response.status()} ${new URL(response.url()).pathname}`);
      });
      run.page.on("pageerror", (error) => run.consoleErrors.push(String(error)));
      return run.page;
    },

    /**
     * A screenshot into docs/screenshots/NAME.png, and an axe run over the screen; with
     * `{ save: false }` the axe run alone (a screen checked in several modes keeps one picture).
     */
    async shot(name, { save = true } = {}) {
      const page = run.page;
      await page.waitForLoadState("networkidle");
      // Transient toasts and messages (Vant's, Element Plus's) are not part of a screen, and a
      // colour measured mid-fade is not the colour shown: wait for both to settle.
      await page.waitForFunction(() => ![...document.querySelectorAll(".van-toast, .el-message")].some((t) => t.checkVisibility()));
      await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
      if (save) await page.screenshot({ path: `${SHOTS}${name}.png` });
      // Evaluated through DevTools, not as an inline <script>: the sites' CSP forbids those.
      await page.evaluate(axe.source);
      const result = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const { violations } = await window.axe.run(document, { resultTypes: ["violations"] });
        return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
      });
      run.axeFindings.push(...result.map((r) => `${name}: ${r}`));
    },

    async close() {
      await run.browser?.close();
    },
  };
  return run;
}
