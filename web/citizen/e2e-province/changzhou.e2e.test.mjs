// The same H5 build serving another province: scripts/local with PROVINCE=changzhou. Nothing of
// Hubei shows on any screen; the names come from /v1/meta, and 使用当前位置 at 武进区's seat picks
// 武进区. CITIZEN_E2E_BASE is that server's origin. Run by scripts/test.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createRun } from "../../tools/e2e.mjs";

const BASE = process.env.CITIZEN_E2E_BASE ?? "http://127.0.0.1:3000";
const SITE = `${BASE}/h5/`;
const run = createRun(BASE);
let page;

before(async () => {
  page = await run.launch({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    // 武进区's seat (provinces/changzhou/regions.csv).
    geolocation: { latitude: 31.7, longitude: 119.94 },
    permissions: ["geolocation"],
  });
});

after(() => run.close());

/** The screen's text holds no trace of Hubei. */
async function noHubei(screen) {
  const text = await page.locator("body").innerText();
  assert.doesNotMatch(text, /湖北|鄂|武汉/, `${screen}: ${text}`);
}

test("Changzhou's H5 speaks of Changzhou throughout, and 使用当前位置 finds 武进区", async () => {
  await page.goto(SITE);
  await page.getByText("常州市教育局").waitFor();
  await noHubei("介绍页");
  await page.getByTestId("agree").click();
  await page.getByTestId("proceed").click();

  // 首页 opens on the capital of the folder's catalog, without asking for the position.
  await page.getByText("处理公开栏 · 常州市").waitFor();
  await noHubei("首页");

  // 登录 names Changzhou's host app and identity provider.
  await page.getByTestId("to-report").click();
  await page.getByText("我的常州").first().waitFor();
  await noHubei("登录");
  await page.getByTestId("host-sign-in").click();
  await page.getByRole("button", { name: "演示用户 张三" }).click();
  await page.waitForURL(/#\/report$/);

  // 使用当前位置: the nearest county seat's county, with its city.
  await page.getByTestId("field-target").locator("input").waitFor();
  await page.getByTestId("use-position").click();
  await page.locator(".van-toast", { hasText: "已定位到常州市武进区" }).waitFor();
  assert.equal(await page.getByTestId("field-city").locator("textarea").inputValue(), "常州市");
  assert.equal(await page.getByTestId("field-county").locator("textarea").inputValue(), "武进区");
  await noHubei("线索上报");
  await run.shot("h5-changzhou-form");

  // 处理公开栏's 定位 keeps 常州市; 我的投诉 and 咨询电话 name nothing of Hubei either.
  await page.goto(`${SITE}#/board`);
  await page.getByTestId("board-locate").click();
  await page.locator(".van-dropdown-menu__title", { hasText: "常州市" }).waitFor();
  await noHubei("处理公开栏");
  await page.goto(`${SITE}#/mine`);
  await page.getByTestId("signed-in").waitFor();
  await noHubei("我的投诉");
  await page.goto(`${SITE}#/phones`);
  await page.getByTestId("phones-category").first().waitFor();
  await noHubei("咨询电话");
  // 咨询电话's 使用当前位置: 武进区's offices.
  await page.getByTestId("phones-locate").click();
  await page.getByTestId("phones-county").getByText("常州市武进区").waitFor();
  await page.getByTestId("phones-category").first().getByText("武进区", { exact: false }).first().waitFor();

  assert.deepEqual(run.failedResponses, [], "no request failed");
  assert.deepEqual(run.consoleErrors, [], "the browser console shows no errors");
  assert.deepEqual(run.axeFindings, [], "no serious or critical accessibility findings");
});
