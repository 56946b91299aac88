// scripts/lighthouse: prepares the Chromium profile Lighthouse then measures with, as a returning
// citizen's: the current notice agreed to (阅读并同意). Usage: node lighthouse-prime.mjs BASE DEBUG_PORT
import { chromium } from "playwright-core";

const [base, port] = process.argv.slice(2);
const meta = await (await fetch(`${base}/v1/meta`)).json();
const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
const page = await browser.contexts()[0].newPage();
await page.goto(`${base}/h5/`);
await page.evaluate((version) => window.localStorage.setItem("suishoupai.agreed-notice", version), meta.notice.version);
await page.close();
// Disconnects, leaving the browser (and its profile) to Lighthouse.
await browser.close();
