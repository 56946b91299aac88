// The citizen H5 end to end, on a phone (390×844, touch) in Debian's Chromium against
// scripts/local's server (real API, real local AWS). CITIZEN_E2E_BASE is the server's origin;
// screenshots of every screen go to docs/screenshots/. Run by scripts/test.
import assert from "node:assert/strict";
import { mkdtemp, readFile, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ROOT, createRun } from "../../tools/e2e.mjs";

const BASE = process.env.CITIZEN_E2E_BASE ?? "http://127.0.0.1:3000";
const SITE = `${BASE}/h5/`;
const TARGET = "端到端H5测试培训中心";
// Unique per run, so a rerun against the same server finds its own entry.
const RUN = Date.now().toString(36).slice(-5).toUpperCase();
const REPLY = `经核查投诉属实,该机构已被责令停止违规培训,预收费用正在退还(${RUN})。`;
const PUBLIC_TEXT = "某培训中心在居民楼内违规开展学科类培训,已责令停止。";
const MB = 1024 * 1024;

const run = createRun(BASE);
const { api, token, staffToken, shot } = run;
let page;
/** Requests the page made to POST /v1/uploads, and multipart POSTs to the local S3. */
const uploadRequests = [];
const s3Posts = [];

before(async () => {
  page = await run.launch({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    // A device in 武昌区: the board opens on 武汉市.
    geolocation: { latitude: 30.52, longitude: 114.35 },
    permissions: ["geolocation", "clipboard-read", "clipboard-write"],
  });
  // Counts the page's requests for the position: only a tap on 定位 or 使用当前位置 may ask.
  await page.addInitScript(() => {
    window.positionAsked = 0;
    const geolocation = navigator.geolocation;
    const ask = geolocation.getCurrentPosition.bind(geolocation);
    geolocation.getCurrentPosition = (...args) => {
      window.positionAsked += 1;
      return ask(...args);
    };
  });
  page.on("request", (request) => {
    if (request.method() !== "POST") return;
    const url = new URL(request.url());
    if (url.pathname === "/v1/uploads") uploadRequests.push(url.pathname);
    if ((request.headers()["content-type"] ?? "").startsWith("multipart/form-data")) s3Posts.push(url.origin);
  });
});

after(() => run.close());

async function toast(text) {
  await page.locator(".van-toast", { hasText: text }).waitFor();
  await page.locator(".van-toast", { hasText: text }).waitFor({ state: "hidden" });
}

/** Picks `name` in the open Vant picker and confirms. */
async function pick(name) {
  const picker = page.locator(".van-popup--bottom:visible .van-picker");
  await picker.locator(".van-picker-column__item", { hasText: name }).first().click();
  await page.waitForTimeout(400); // the column settles on the tapped option
  await picker.getByRole("button", { name: "确认" }).click();
  await page.waitForFunction(() => ![...document.querySelectorAll(".van-popup--bottom")].some((p) => p.checkVisibility()));
}

async function staffAct(staff, serial, body) {
  const current = await api(`/v1/staff/reports/${serial}`, { token: staff });
  assert.equal(current.status, 200, current.text);
  const done = await api(`/v1/staff/reports/${serial}/actions`, {
    token: staff,
    method: "POST",
    body: { ...body, version: current.json.version },
  });
  assert.equal(done.status, 200, done.text);
}

/** A report of 武昌区's 学科类 filed through the API by `citizen` (`fields` as the form has them); its serial. */
async function fileReport(citizen, key, fields) {
  const meta = await api("/v1/meta");
  const made = await api("/v1/reports", {
    token: citizen,
    method: "POST",
    headers: { "idempotency-key": `${key}-${RUN}` },
    body: { city: "420100", county: "420106", category: "academic", notice_version: meta.json.notice.version, ...fields },
  });
  assert.equal(made.status, 201, made.text);
  return made.json.serial;
}

test("a citizen reports with photos, follows the report, rates the reply and finds it on the board", async () => {
  // 介绍页: the notice, 阅读并同意, 线索上报.
  await page.goto(SITE);
  await page.getByTestId("notice").getByText("可举报类型").waitFor();
  await shot("h5-intro");
  await page.getByTestId("proceed").click({ trial: true }).catch(() => {});
  assert.ok(await page.getByTestId("proceed").isDisabled(), "线索上报 waits for 阅读并同意");
  await page.getByTestId("agree").click();
  await page.getByTestId("proceed").click();

  // 首页: the newest 3 of 武汉市's board (the capital: nothing asks for the position on load).
  await page.getByText("处理公开栏 · 武汉市").waitFor();
  await page.getByTestId("home-board-item").first().waitFor();
  assert.ok((await page.getByTestId("home-board-item").count()) <= 3);
  await shot("h5-home");

  // 线索上报 needs the citizen's identity: 登录/注册 opens the host's sign-in (config.json's hook;
  // locally a stand-in page) with the way back, and the host hands the token to the form.
  await page.getByTestId("to-report").click();
  await shot("h5-sign-in");
  await page.getByTestId("host-sign-in").click();
  await page.waitForURL(/\/dev\/host-sign-in\?return=/);
  await page.getByRole("button", { name: "演示用户 张三" }).click();
  await page.waitForURL(/#\/report$/);
  await page.getByTestId("signed-in").filter({ hasText: "当前用户:张*" }).waitFor();
  const citizen = await token({ role: "citizen", sub: "h5-demo-zhangsan", name: "张三", phone: "13812341234" });
  const mineBefore = (await api("/v1/me/reports?limit=50", { token: citizen })).json.items.length;

  // Submitting an empty form names the missing fields next to them.
  await page.getByTestId("submit").click();
  await page.getByTestId("field-target").getByText("请填写举报对象").waitFor();

  await page.getByTestId("field-target").locator("input").fill(TARGET);
  await page.getByTestId("field-city").click();
  await pick("武汉市");
  await page.getByTestId("field-county").click();
  await pick("武昌区");
  await page.getByTestId("field-address").locator("textarea").fill("中南路1号3楼");
  await page.getByTestId("field-category").click();
  await pick("学科类");
  await page.getByTestId("field-types").click();
  await page.locator(".van-popup--bottom:visible .van-cell").first().click();
  await page.locator(".van-popup--bottom:visible .van-cell").nth(2).click();
  await page.getByTestId("types-confirm").click();
  await page.getByTestId("field-content").locator("textarea").fill("周末在居民楼内组织初中数学培训,现场约有二十名学生。");
  await page.getByTestId("field-public").getByText("公开", { exact: true }).click();

  // Refused before any upload: a 61 MB photo, and a photo together with a video.
  const dir = await mkdtemp(join(tmpdir(), "h5-e2e-"));
  const big = join(dir, "big.jpg");
  await writeFile(big, "");
  await truncate(big, 61 * MB);
  const input = page.getByTestId("uploader").locator("input[type=file]");
  await input.setInputFiles(big);
  await toast("图片大小不能超过60M");
  const photo = await readFile(`${ROOT}tests/fixtures/evidence.jpg`);
  await input.setInputFiles([
    { name: "photo.jpg", mimeType: "image/jpeg", buffer: photo },
    { name: "clip.mp4", mimeType: "video/mp4", buffer: Buffer.alloc(2048) },
  ]);
  await toast("举证材料只能选择图片或视频中的一种");
  assert.deepEqual(uploadRequests, [], "nothing was uploaded for the refused files");

  // Two photos, each through its POST form straight to S3, each with its own progress bar.
  await input.setInputFiles([
    { name: "现场照片1.jpg", mimeType: "image/jpeg", buffer: photo },
    { name: "现场照片2.jpg", mimeType: "image/jpeg", buffer: photo },
  ]);
  const items = page.getByTestId("upload-item");
  await items.nth(1).waitFor();
  assert.equal(await page.getByTestId("upload-progress").count(), 2);
  await page.locator("[data-test=upload-item][data-status=done]").nth(1).waitFor();
  assert.equal(uploadRequests.length, 2, "one upload form per photo");
  assert.equal(s3Posts.length, 2, "each photo went to S3 as a multipart POST");
  assert.ok(s3Posts.every((origin) => origin !== BASE), "straight to S3, not through the API");
  assert.equal(await page.locator("[data-test=upload-item]", { hasText: "已上传" }).count(), 2);
  await shot("h5-form");

  // The draft survives a reload, files and all.
  await page.reload();
  await page.getByTestId("field-target").locator("input").waitFor();
  assert.equal(await page.getByTestId("field-target").locator("input").inputValue(), TARGET);
  assert.equal(await page.locator("[data-test=upload-item][data-status=done]").count(), 2);

  // The first answer is lost on the way back (the report is made); the retry makes no second one.
  let created = null;
  await page.route("**/v1/reports", async (route) => {
    if (route.request().method() !== "POST" || created) return route.continue();
    const response = await route.fetch();
    created = { status: response.status(), body: await response.json(), key: route.request().headers()["idempotency-key"] };
    await route.abort("connectionreset");
  });
  await page.getByTestId("submit").click();
  await page.getByTestId("pending-notice").waitFor();
  assert.equal(created?.status, 201, JSON.stringify(created));
  assert.ok(created.key, "the submit carries an Idempotency-Key");
  await page.getByTestId("submit").click();

  // 提交成功: the serial, the same one the lost answer carried.
  await page.waitForURL(/#\/done\//);
  const serial = await page.getByTestId("serial").innerText();
  assert.match(serial, /^\d{15}$/);
  assert.equal(serial, created.body.serial);
  await page.getByTestId("copy-serial").click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), serial);
  await shot("h5-done");
  const mineAfter = (await api("/v1/me/reports?limit=50", { token: citizen })).json.items;
  assert.equal(mineAfter.length, mineBefore + 1, "one report, however often it was sent");
  await page.unroute("**/v1/reports");

  // 我的投诉: the report, 待受理.
  await page.getByTestId("to-history").click();
  const row = page.getByTestId("mine-item").filter({ hasText: serial });
  await row.waitFor();
  assert.equal(await row.getByTestId("mine-status").innerText(), "待受理");
  await shot("h5-mine");
  // 详情 says what 待受理 means and when the reply is due.
  await row.getByTestId("to-detail").click();
  assert.match(await page.getByTestId("detail-status-help").innerText(), /等待受理部门签收/);
  assert.match(await page.getByTestId("detail-reply-due").innerText(), /预计回复时间\s*\d{4}-\d{2}-\d{2} 前/);
  await page.goBack();
  await row.waitFor();

  // The agency signs, replies and publishes (through the API, as the admin site does).
  const staff = await staffToken({ sub: "h5-e2e-staff", name: "周科员", agency: "420106-education", region: "420106", staff_role: "handler" });
  const detail = await api(`/v1/staff/reports/${serial}`, { token: staff });
  assert.match(detail.json.notice_version, /^[0-9a-f]{12}$/, "the agreed notice version is recorded");
  await staffAct(staff, serial, { action: "accept" });
  await staffAct(staff, serial, { action: "reply", finding: "substantiated", text: REPLY, measures: [{ code: "stop" }, { code: "refund", amount: 3000 }] });
  await staffAct(staff, serial, { action: "publish", public_text: PUBLIC_TEXT });

  // 已回复, the reply and the evidence in the detail.
  await page.reload();
  await row.getByText("已回复").waitFor();
  await row.getByTestId("to-detail").click();
  await page.getByTestId("reply-text").filter({ hasText: REPLY }).waitFor();
  await page.getByTestId("reply-measures").filter({ hasText: "责令停止违规培训;责令退费3000元" }).waitFor();
  assert.equal(await page.getByTestId("detail-status").innerText(), "已回复");
  assert.equal(await page.getByTestId("detail-reply-due").count(), 0, "due no more once replied");
  const images = page.getByTestId("evidence-image").locator("img");
  await images.nth(1).waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll("[data-test=evidence-image] img")].every((img) => img.complete && img.naturalWidth > 0));
  // Each file's fingerprint, as staff see it.
  const fingerprints = await page.getByTestId("evidence-fingerprint").allInnerTexts();
  assert.equal(fingerprints.length, await images.count());
  for (const line of fingerprints) assert.match(line, /指纹 [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}…[\s\S]*封存于 \d{4}-\d{2}-\d{2}/);
  await shot("h5-detail");

  // 我要评价: four stars and a comment, once.
  await page.getByTestId("detail-rate").click();
  await page.getByTestId("rate-stars").locator(".van-rate__item").nth(3).click();
  assert.equal(await page.getByTestId("rate-level").innerText(), "满意");
  await page.getByTestId("rate-comment").locator("textarea").fill("处理及时,感谢!");
  await shot("h5-rate");
  await page.getByTestId("rate-submit").click();
  await page.getByTestId("detail-rating").getByText("处理及时,感谢!").waitFor();
  const again = await api(`/v1/me/reports/${serial}/rating`, { token: citizen, method: "POST", body: { stars: 1 } });
  assert.equal(again.status, 409, "a report is rated once");

  // 处理公开栏: 武汉市 by the device's location; the entry shows the reply, never the reporter.
  await page.goto(`${SITE}#/board`);
  const entry = page.getByTestId("board-item").filter({ hasText: REPLY });
  await entry.waitFor();
  await shot("h5-board");
  await entry.click();
  await page.getByTestId("public-reply").filter({ hasText: REPLY }).waitFor();
  await page.getByTestId("reply-measures").filter({ hasText: "责令停止违规培训;责令退费3000元" }).waitFor();
  const publicPage = await page.locator("main").innerText();
  assert.ok(publicPage.includes(PUBLIC_TEXT));
  for (const secret of ["张三", "13812341234", "周末在居民楼内组织初中数学培训"]) assert.ok(!publicPage.includes(secret), secret);
  await shot("h5-public-detail");

  // Switching the city, and the choice is remembered for the next visit without a location.
  await page.goto(`${SITE}#/board`);
  await page.getByTestId("board-item").first().waitFor();
  await page.locator(".van-dropdown-menu__item").click();
  await page.locator(".van-dropdown-item__option", { hasText: "宜昌市" }).click();
  await page.getByText("暂无公开信息").or(page.getByTestId("board-item").first()).waitFor();
  assert.equal(await page.getByTestId("board-item").filter({ hasText: REPLY }).count(), 0);
  assert.equal(await page.evaluate(() => localStorage.getItem("suishoupai.board-city")), "420500");
  await page.reload();
  await page.locator(".van-dropdown-menu__title", { hasText: "宜昌市" }).waitFor();
  // 定位, asked for only now: the device is in 武昌区, so 武汉市's board.
  assert.equal(await page.evaluate(() => window.positionAsked), 0, "no screen asked for the position on its own");
  await page.getByTestId("board-locate").click();
  await page.locator(".van-dropdown-menu__title", { hasText: "武汉市" }).waitFor();
  await page.getByTestId("board-item").filter({ hasText: REPLY }).waitFor();
  assert.equal(await page.evaluate(() => window.positionAsked), 1);

  assert.deepEqual(run.consoleErrors, [], "the browser console shows no errors");
  assert.deepEqual(run.failedResponses, [], "no request failed");
  assert.deepEqual(run.axeFindings, [], "no serious or critical accessibility findings");
});

test("a citizen picks the institution from the registry's suggestions, and the agency sees it with its earlier report", async () => {
  // The local server's demo data: a fictional registry, and an answered report on 启智 in 武昌区.
  const EARLIER = "221215164056656";
  // After a report was made, the form opens empty and editable (nothing of it saved again).
  await page.goto(`${SITE}#/report`);
  await page.getByTestId("field-target").locator("input").waitFor();
  assert.equal(await page.getByTestId("field-target").locator("input").inputValue(), "");
  assert.equal(await page.getByTestId("pending-notice").count(), 0);
  await page.getByTestId("field-target").locator("input").fill("启智");
  await page.getByTestId("field-city").click();
  await pick("武汉市");
  await page.getByTestId("field-county").click();
  await pick("武昌区");
  const suggestion = page.getByTestId("suggestions").getByText("启智教育咨询有限公司(演示)");
  await suggestion.waitFor();
  await shot("h5-suggestions");
  await suggestion.click();
  await page.getByTestId("chosen-institution").getByText("启智教育咨询有限公司(演示)").waitFor();
  assert.equal(await page.getByTestId("field-target").locator("input").inputValue(), "启智教育咨询有限公司(演示)");
  assert.equal(await page.getByTestId("suggestions").count(), 0, "the list closes once one is chosen");
  await page.getByTestId("field-address").locator("textarea").fill("中南路2号");
  await page.getByTestId("field-category").click();
  await pick("学科类");
  await page.getByTestId("field-types").click();
  await page.locator(".van-popup--bottom:visible .van-cell").first().click();
  await page.getByTestId("types-confirm").click();
  await page.getByTestId("field-content").locator("textarea").fill(`寒假期间仍在组织学科类培训(${RUN})。`);
  await page.getByTestId("submit").click();
  await page.waitForURL(/#\/done\//);
  const serial = await page.getByTestId("serial").innerText();

  // The agency's detail in the admin site: the institution, its registry facts, its earlier report.
  const admin = await page.context().browser().newContext({ locale: "zh-CN", viewport: { width: 1366, height: 768 } });
  const desk = await admin.newPage();
  await desk.goto(`${BASE}/admin/#/login`);
  await desk.getByRole("button", { name: "武昌区教育局 受理人员 王科员", exact: true }).click();
  await desk.waitForURL(/#\/reports/);
  await desk.goto(`${BASE}/admin/#/reports/${serial}`);
  const card = desk.locator("[data-test=institution]");
  await card.locator("[data-test=institution-name]").getByText("启智教育咨询有限公司(演示)").waitFor();
  const facts = await card.innerText();
  for (const fact of ["学科类", "未入驻", "正常"]) assert.ok(facts.includes(fact), `${fact} in ${facts}`);
  await card.locator("[data-test=institution-reports]").getByText(EARLIER).waitFor();
  await desk.waitForLoadState("networkidle");
  await desk.waitForTimeout(500); // tags fade in
  await desk.screenshot({ path: `${ROOT}docs/screenshots/admin-institution.png`, fullPage: true });
  await admin.close();

  assert.deepEqual(run.consoleErrors, [], "the browser console shows no errors");
  assert.deepEqual(run.failedResponses, [], "no request failed");
});

test("over the daily limit the form says so in the platform's words and stays editable", async () => {
  // The demo citizen's day used up through the API (the server allows 20 reports a day).
  const citizen = await token({ role: "citizen", sub: "h5-demo-zhangsan", name: "张三", phone: "13812341234" });
  const meta = await api("/v1/meta");
  const form = {
    target: "每日上限测试培训班",
    city: "420100",
    county: "420106",
    address: "中南路3号",
    category: "academic",
    violation_types: ["unlicensed"],
    content: "用于测试每日提交上限。",
    public: false,
    notice_version: meta.json.notice.version,
  };
  let refused = null;
  for (let i = 0; i < 25 && !refused; i++) {
    const sent = await api("/v1/reports", { token: citizen, method: "POST", headers: { "idempotency-key": `limit-${RUN}-${i}` }, body: form });
    if (sent.status === 429) refused = sent.json;
    else assert.equal(sent.status, 201, sent.text);
  }
  assert.equal(refused?.message, "每人每天最多提交20条举报,请明天再试");

  const seen = run.failedResponses.length;
  await page.goto(`${SITE}#/report`);
  await page.getByTestId("field-target").locator("input").fill("超出上限仍可修改的举报");
  await page.getByTestId("field-city").click();
  await pick("武汉市");
  await page.getByTestId("field-county").click();
  await pick("武昌区");
  await page.getByTestId("field-address").locator("textarea").fill("中南路4号");
  await page.getByTestId("field-category").click();
  await pick("学科类");
  await page.getByTestId("field-types").click();
  await page.locator(".van-popup--bottom:visible .van-cell").first().click();
  await page.getByTestId("types-confirm").click();
  await page.getByTestId("field-content").locator("textarea").fill("周六上午在小区会所组织培训。");
  await page.getByTestId("submit").click();
  const dialog = page.locator(".van-dialog", { hasText: "未能提交" });
  await dialog.getByText("每人每天最多提交20条举报,请明天再试").waitFor();
  await shot("h5-daily-limit");
  await dialog.getByRole("button", { name: "知道了" }).click();
  // Not locked as an unknown outcome: no notice, and the text can still be changed.
  assert.equal(await page.getByTestId("pending-notice").count(), 0);
  const target = page.getByTestId("field-target").locator("input");
  assert.ok(await target.isEditable());
  await target.fill("超出上限仍可修改的举报(已修改)");
  assert.equal(await target.inputValue(), "超出上限仍可修改的举报(已修改)");
  assert.deepEqual(run.failedResponses.slice(seen), ["429 /v1/reports"], "only the refused submission");
  assert.deepEqual(run.consoleErrors, [], "the browser console shows no errors");
  assert.deepEqual(run.axeFindings, [], "no serious or critical accessibility findings");
});

test("every screen that reads shows what failed with 重试, and recovers when the read succeeds", async () => {
  const citizen = await token({ role: "citizen", sub: "h5-demo-zhangsan", name: "张三", phone: "13812341234" });
  const mine = (await api("/v1/me/reports?limit=1", { token: citizen })).json.items[0].serial;
  const published = (await api("/v1/public/reports?city=420100&limit=1")).json.items[0].serial;
  const busy = { status: 503, contentType: "application/json", body: JSON.stringify({ code: "unavailable", message: "系统繁忙,请稍后再试" }) };
  const seen = run.failedResponses.length;
  // `path` on a fresh page load (the form's choices are read once a load), its `request` failing once.
  const screens = [
    { name: "介绍页", path: "#/", request: "**/v1/meta", ready: () => page.getByTestId("notice").waitFor() },
    { name: "首页", path: "#/home", request: "**/v1/public/reports?*", ready: () => page.getByTestId("home-board-item").first().waitFor() },
    { name: "线索上报", path: "#/report", request: "**/v1/meta", ready: () => page.getByTestId("field-target").waitFor() },
    { name: "处理公开栏", path: "#/board", request: "**/v1/meta", ready: () => page.getByTestId("board-item").first().waitFor() },
    { name: "公开详情", path: `#/board/${published}`, request: `**/v1/public/reports/${published}`, ready: () => page.getByText("回复信息").waitFor() },
    { name: "详情", path: `#/mine/${mine}`, request: `**/v1/me/reports/${mine}`, ready: () => page.getByText("签收信息").waitFor() },
    { name: "服务评价", path: `#/mine/${mine}/rate`, request: "**/v1/meta", ready: () => page.getByTestId("rate-stars").waitFor() },
    { name: "补充材料", path: `#/mine/${mine}/answer`, request: `**/v1/me/reports/${mine}`, ready: () => page.getByTestId("answer-none").waitFor() },
    { name: "咨询电话", path: "#/phones?county=420106&category=arts", request: "**/v1/public/agencies?*", ready: () => page.getByTestId("phones-category").first().waitFor() },
  ];
  for (const screen of screens) {
    await page.goto("about:blank");
    await page.route(screen.request, (route) => route.fulfill(busy), { times: 1 });
    await page.goto(`${SITE}${screen.path}`);
    const failed = page.getByTestId("load-failed");
    await failed.getByText("系统繁忙,请稍后再试").waitFor();
    if (screen.name === "线索上报") await shot("h5-load-failed");
    await failed.getByTestId("retry").click();
    await screen.ready();
    assert.equal(await page.getByTestId("load-failed").count(), 0, `${screen.name} recovered`);
  }
  // 咨询电话 from a report: its category first, with the county's office and the city's.
  const first = page.getByTestId("phones-category").first();
  assert.match(await first.innerText(), /武昌区文化和旅游局[\s\S]*区县主管部门[\s\S]*武汉市文化和旅游局[\s\S]*市级主管部门/);
  assert.match(await page.getByTestId("phones-county").innerText(), /武汉市武昌区/);
  await shot("h5-phones");
  // 我的投诉's list says so at its end, and reads again when tapped.
  await page.route("**/v1/me/reports?*", (route) => route.fulfill(busy), { times: 1 });
  await page.goto(`${SITE}#/mine`);
  await page.getByText("加载失败,点击重试").click();
  await page.getByTestId("mine-item").first().waitFor();
  assert.equal(run.failedResponses.length - seen, screens.length + 1, "each screen's failure, once");
  assert.deepEqual(run.consoleErrors, [], "the browser console shows no errors");
  assert.deepEqual(run.axeFindings, [], "no serious or critical accessibility findings");
});

test("a handed-over token never stays in the address bar, and another person's token asks first", async () => {
  const zhang = await token({ role: "citizen", sub: "h5-demo-zhangsan", name: "张三", phone: "13812341234" });
  const li = await token({ role: "citizen", sub: "h5-e2e-lisi", name: "李四", phone: "13912341234" });
  // Every form of the handoff a host may use: the route's query, the bare fragment, the page's query.
  for (const url of [`${SITE}#/mine?access_token=${zhang}`, `${SITE}#access_token=${zhang}`, `${SITE}?access_token=${zhang}#/mine`]) {
    await page.goto("about:blank");
    await page.goto(url);
    await page.getByTestId("signed-in").or(page.getByTestId("notice")).first().waitFor();
    assert.ok(!page.url().includes("access_token"), `${url} left ${page.url()}`);
    assert.equal(await page.evaluate(() => window.history.length > 0 && !window.location.href.includes("access_token")), true);
  }
  await page.goto(`${SITE}#/mine`);
  await page.getByTestId("signed-in").filter({ hasText: "当前用户:张*" }).waitFor();

  // 李四's link on 张三's page: asked first; kept as 张三 when the citizen says so.
  const dialog = page.locator(".van-dialog", { hasText: "切换用户" });
  await page.goto("about:blank");
  await page.goto(`${SITE}#/mine?access_token=${li}`);
  await dialog.getByText("本页面已由张*登录,链接中的身份是李*").waitFor();
  await shot("h5-switch-user");
  await dialog.getByRole("button", { name: "继续使用张*" }).click();
  await page.getByTestId("signed-in").filter({ hasText: "当前用户:张*" }).waitFor();
  assert.ok(!page.url().includes("access_token"));
  await page.goto("about:blank");
  await page.goto(`${SITE}#/mine?access_token=${li}`);
  await dialog.getByRole("button", { name: "切换", exact: true }).click();
  await page.getByTestId("signed-in").filter({ hasText: "当前用户:李*" }).waitFor();
  assert.ok(!page.url().includes("access_token"));

  // A token the platform no longer accepts (expired there, or revoked): 登录已过期, and 登录/注册
  // goes through the host's sign-in and back to the page the citizen was on.
  const refused = `${zhang.split(".").slice(0, 2).join(".")}.bm90LXNpZ25lZA`;
  await page.evaluate((t) => window.sessionStorage.setItem("suishoupai.citizen-token", t), refused);
  await page.goto("about:blank");
  await page.goto(`${SITE}#/mine`);
  await page.getByTestId("expired").getByText("登录已过期").waitFor();
  await shot("h5-sign-in-expired");
  await page.getByTestId("host-sign-in").click();
  await page.getByRole("button", { name: "演示用户 张三" }).click();
  await page.waitForURL(/#\/mine$/);
  await page.getByTestId("signed-in").filter({ hasText: "当前用户:张*" }).waitFor();
  assert.ok(!page.url().includes("access_token"));
  assert.deepEqual(run.consoleErrors, [], "the browser console shows no errors");
  assert.deepEqual(run.axeFindings, [], "no serious or critical accessibility findings");
});

test("a reply sent back after a poor rating is answered again: the citizen rates the new one and sees the first folded", async () => {
  const seen = run.failedResponses.length;
  const citizen = await token({ role: "citizen", sub: "h5-e2e-rounds", name: "王五", phone: "13712345678" });
  const handler = await staffToken({ sub: "h5-e2e-rounds-staff", name: "钱科员", agency: "420106-education", region: "420106", staff_role: "handler" });
  const serial = await fileReport(citizen, "rounds", { target: "二轮答复测试培训班", address: "中南路5号", violation_types: ["unlicensed"], content: "周日上午在居民楼内上课。", public: false });
  await staffAct(handler, serial, { action: "accept" });
  await staffAct(handler, serial, { action: "reply", finding: "unsubstantiated", text: "经核查未发现违规培训。" });
  const poor = await api(`/v1/me/reports/${serial}/rating`, { token: citizen, method: "POST", body: { stars: 1 } });
  assert.equal(poor.status, 201, poor.text);
  await staffAct(handler, serial, { action: "reopen", reason: "举报人不满意,重新核查" });
  await staffAct(handler, serial, { action: "reply", finding: "substantiated", text: "经复查属实,已责令停止培训。" });

  await page.goto(SITE);
  await page.evaluate(() => window.sessionStorage.clear()); // 张三 signed in before
  await page.goto("about:blank");
  await page.goto(`${SITE}#/mine/${serial}?access_token=${citizen}`);
  // A cell group's title sits outside the group.
  await page.getByText("回复信息(第2次回复)").waitFor();
  const rounds = page.getByTestId("detail-rounds");
  await rounds.getByText("第1次回复 · 退回重办").click();
  await rounds.getByText("经核查未发现违规培训。").waitFor();
  await rounds.getByText("我的评价:1星(非常不满意)").waitFor();
  assert.ok(!(await page.locator("main").innerText()).includes("重新核查"), "the reason staff wrote is theirs");
  await shot("h5-rounds");
  // The new answer is rated on its own.
  await page.getByTestId("detail-rate").click();
  await page.getByTestId("rate-stars").locator(".van-rate__item").nth(4).click();
  await page.getByTestId("rate-submit").click();
  await page.getByTestId("detail-rating").waitFor();
  const detail = await api(`/v1/me/reports/${serial}`, { token: citizen });
  assert.equal(detail.json.rating.stars, 5);
  assert.equal(detail.json.rounds[0].rating.stars, 1);
  assert.deepEqual(run.failedResponses.slice(seen), [], "no request failed");
  assert.deepEqual(run.consoleErrors, [], "the browser console shows no errors");
  assert.deepEqual(run.axeFindings, [], "no serious or critical accessibility findings");
});

test("the agency asks for more, the citizen answers with a photo in the H5, and the reply with its finding reaches the board", async () => {
  const seen = run.failedResponses.length;
  const citizen = await token({ role: "citizen", sub: "h5-e2e-answer", name: "赵六", phone: "13787654321" });
  const handler = await staffToken({ sub: "h5-e2e-answer-staff", name: "吴科员", agency: "420106-education", region: "420106", staff_role: "handler" });
  const serial = await fileReport(citizen, "answer", { target: `补充材料测试学堂${RUN}`, address: "中南路9号", violation_types: ["prepayment"], content: "预收一年学费,周末上课。", public: true });
  await staffAct(handler, serial, { action: "accept" });
  await staffAct(handler, serial, { action: "ask", text: "请补充收费凭证(如收据、转账记录截图)" });

  // 我的投诉 offers 补充材料; 详情 shows the question, the paused clock and the way to answer.
  await page.goto(SITE);
  await page.evaluate(() => window.sessionStorage.clear());
  await page.goto("about:blank");
  await page.goto(`${SITE}#/mine?access_token=${citizen}`);
  await page.getByTestId("to-answer").first().waitFor();
  await page.goto(`${SITE}#/mine/${serial}`);
  const questions = page.getByTestId("detail-questions");
  await questions.getByText("请补充收费凭证").waitFor();
  await questions.getByText("等待举报人补充").waitFor();
  await page.getByText("等待您补充材料期间,回复计时暂停").waitFor();
  await page.getByTestId("detail-answer").click();

  // Nothing typed, nothing chosen: it says what is missing; then words and a receipt photo.
  await page.getByTestId("answer-question").waitFor();
  await page.getByTestId("answer-submit").click();
  await toast("请填写补充说明或上传举证材料");
  await page.getByTestId("answer-text").locator("textarea").fill("已附上微信转账记录,共预收6800元。");
  const photo = await readFile(`${ROOT}tests/fixtures/evidence.jpg`);
  await page.getByTestId("uploader").locator("input[type=file]").setInputFiles([{ name: "转账记录.jpg", mimeType: "image/jpeg", buffer: photo }]);
  await page.locator("[data-test=upload-item][data-status=done]").waitFor();
  await shot("h5-answer");
  // The first try fails on the way (the platform busy): the form stays as it was, then it goes.
  await page.route(`**/v1/me/reports/${serial}/answer`, (route) =>
    route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ code: "unavailable", message: "系统繁忙,请稍后再试" }) }), { times: 1 });
  await page.getByTestId("answer-submit").click();
  await toast("系统繁忙,请稍后再试");
  assert.equal(await page.getByTestId("answer-text").locator("textarea").inputValue(), "已附上微信转账记录,共预收6800元。");
  await page.getByTestId("answer-submit").click();
  await page.waitForURL(new RegExp(`#/mine/${serial}$`));
  await questions.getByText("已补充").waitFor();
  await questions.getByText("(附1个文件)").waitFor();
  assert.equal(await page.getByTestId("detail-answer").count(), 0, "answered once");

  // The agency reads the answer with its sealed photo, replies with a finding, and publishes.
  const staffView = await api(`/v1/staff/reports/${serial}`, { token: handler });
  const answer = staffView.json.questions[0].answer;
  assert.equal(answer.text, "已附上微信转账记录,共预收6800元。");
  assert.equal(answer.files.length, 1);
  assert.equal(staffView.json.custody.intact, true);
  await staffAct(handler, serial, { action: "reply", finding: "substantiated", text: `经核查属实,已责令退还预收费用(${RUN})。`, measures: [{ code: "refund", amount: 6800 }] });
  await staffAct(handler, serial, { action: "publish" });
  await page.goto(`${SITE}#/board/${serial}`);
  await page.getByText("回复信息").waitFor();
  assert.match(await page.getByTestId("reply-measures").innerText(), /责令退费\s*6,?800\s*元/);
  assert.ok(!(await page.locator("main").innerText()).includes("转账记录"), "the answer is the agency's, not the public's");
  assert.deepEqual(run.failedResponses.slice(seen), [`503 /v1/me/reports/${serial}/answer`], "only the failure made on purpose");
  assert.deepEqual(run.consoleErrors, [], "the browser console shows no errors");
  assert.deepEqual(run.axeFindings, [], "no serious or critical accessibility findings");
});

/**
 * What breaks a screen when its text is large: sideways scrolling, text cut at the right edge or
 * overlapping other text, a label wrapped one character per line, a placeholder cut in its field.
 */
function layoutProblems() {
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.scrollingElement.scrollWidth > width + 1) problems.push(`scrolls sideways (${document.scrollingElement.scrollWidth} > ${width})`);
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || !element.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    const style = getComputedStyle(element);
    const clip = style.overflow === "visible" ? null : element.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()]
      .map((r) => (clip ? { left: Math.max(r.left, clip.left), right: Math.min(r.right, clip.right), top: Math.max(r.top, clip.top), bottom: Math.min(r.bottom, clip.bottom) } : r))
      .filter((r) => r.right - r.left > 0.5 && r.bottom - r.top > 0.5);
    const size = parseFloat(style.fontSize);
    if ([...text].length >= 3 && rects.length >= 3 && rects.every((r) => r.right - r.left < size * 1.6)) problems.push(`one character per line: ${text}`);
    for (const r of rects) {
      if (r.right > width + 1) problems.push(`cut at the right: ${text}`);
      boxes.push({ text, element, r });
    }
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a.element === b.element || a.element.contains(b.element) || b.element.contains(a.element)) continue;
      const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (x > 2 && y > 2) problems.push(`overlap: ${a.text} / ${b.text}`);
    }
  }
  const measure = document.createElement("canvas").getContext("2d");
  for (const field of document.querySelectorAll("input[placeholder], textarea[placeholder]")) {
    if (!field.placeholder || field.value || !field.checkVisibility()) continue;
    const style = getComputedStyle(field);
    measure.font = `${style.fontSize} ${style.fontFamily}`;
    const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (field.tagName === "INPUT" && measure.measureText(field.placeholder).width > room + 1) problems.push(`placeholder cut: ${field.placeholder}`);
  }
  return [...new Set(problems)];
}

/** In 长辈版: body text under 18 px, and tap targets under 48 px (a control counts with its clickable cell). */
function elderProblems() {
  const problems = [];
  const visible = (el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
  for (const el of document.querySelectorAll(".van-cell__title > span, .van-cell__value, .van-field__control, p:not(.muted):not(.hint), .van-button__text, .van-nav-bar__title")) {
    if (visible(el) && el.textContent.trim() && parseFloat(getComputedStyle(el).fontSize) < 17.9) problems.push(`text under 18 px: ${el.textContent.trim().slice(0, 20)}`);
  }
  for (const el of document.querySelectorAll(".van-button, .van-cell--clickable, [role=radio], [role=switch], [role=checkbox], a[href], .van-nav-bar__left, .van-dropdown-menu__item, .van-uploader__upload")) {
    if (!visible(el)) continue;
    const target = el.closest(".van-cell--clickable, .van-field") ?? el;
    const { height } = target.getBoundingClientRect();
    if (height < 47.5) problems.push(`tap target under 48 px (${Math.round(height)}): ${(el.getAttribute("aria-label") ?? el.textContent).trim().slice(0, 20)}`);
  }
  return [...new Set(problems)];
}

test("every screen stays whole with text at 200 %, and 长辈版 makes text and tap targets large", async () => {
  // Someone with one report, which waits for their answer: 详情 and 补充材料 show the question
  // (张三 reached the daily limit in an earlier test).
  const citizen = await token({ role: "citizen", sub: `h5-e2e-large-${RUN}`, name: "孙七", phone: "13711112222" });
  const handler = await staffToken({ sub: "h5-e2e-text-staff", name: "冯科员", agency: "420106-education", region: "420106", staff_role: "handler" });
  const asked = await fileReport(citizen, "text200", { target: "大字号测试培训中心", address: "中南路11号", violation_types: ["holiday"], content: "寒假期间集中上课。", public: false });
  await staffAct(handler, asked, { action: "accept" });
  await staffAct(handler, asked, { action: "ask", text: "请补充违规培训的具体时间(如每周几、几点至几点)以及培训地点的具体楼层、门牌号" });
  const mine = (await api("/v1/me/reports?limit=1", { token: citizen })).json.items[0].serial;
  assert.equal(mine, asked);
  const published = (await api("/v1/public/reports?city=420100&limit=1")).json.items[0].serial;
  const screens = [
    { name: "介绍页", path: "#/", ready: () => page.getByTestId("notice").waitFor() },
    { name: "首页", path: "#/home", ready: () => page.getByTestId("home-board-item").first().waitFor() },
    { name: "线索上报", path: "#/report", ready: () => page.getByTestId("field-content").waitFor() },
    { name: "我的投诉", path: "#/mine", ready: () => page.getByTestId("mine-item").first().waitFor() },
    { name: "详情", path: `#/mine/${mine}`, ready: () => page.getByText("签收信息").waitFor() },
    { name: "服务评价", path: `#/mine/${mine}/rate`, ready: () => page.getByText("服务评价").first().waitFor() },
    { name: "补充材料", path: `#/mine/${asked}/answer`, ready: () => page.getByTestId("answer-question").waitFor() },
    { name: "处理公开栏", path: "#/board", ready: () => page.getByTestId("board-item").first().waitFor() },
    { name: "公开详情", path: `#/board/${published}`, ready: () => page.getByText("回复信息").waitFor() },
    { name: "咨询电话", path: "#/phones?county=420106&category=arts", ready: () => page.getByTestId("phones-category").first().waitFor() },
  ];
  // Signed in (a handoff) and the notice agreed to, whatever the tests before left.
  const version = (await api("/v1/meta")).json.notice.version;
  await page.goto(SITE);
  await page.evaluate(() => window.sessionStorage.clear()); // whoever signed in before
  await page.goto("about:blank");
  await page.goto(`${SITE}#/home?access_token=${citizen}`);
  await page.evaluate((v) => window.localStorage.setItem("suishoupai.agreed-notice", v), version);
  async function visit(screen) {
    await page.goto("about:blank");
    await page.goto(`${SITE}${screen.path}`);
    await screen.ready();
    await page.waitForLoadState("networkidle");
  }
  // Radio and checkbox names are their words, without the icon font's glyphs.
  await visit(screens[2]);
  for (const name of ["公开", "不公开", "图片上传", "视频上传"]) assert.equal(await page.getByRole("radio", { name, exact: true }).count(), 1, name);

  // Text at 200 %, as a web view's text zoom or the browser's font size setting makes it.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Page.enable");
  await cdp.send("Page.setFontSizes", { fontSizes: { standard: 32, fixed: 26 } });
  for (const screen of screens) {
    await visit(screen);
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), "32px", "the text follows the browser's size");
    assert.deepEqual(await page.evaluate(layoutProblems), [], `${screen.name} at 200 %`);
    await shot(screen.name === "线索上报" ? "h5-text-200-form" : `h5-text-200-${screen.path}`, { save: screen.name === "线索上报" });
  }
  await cdp.send("Page.setFontSizes", { fontSizes: { standard: 16, fixed: 13 } });

  // 长辈版, switched on 首页 and kept for the next visit.
  await visit(screens[1]);
  await page.getByRole("switch", { name: "长辈版" }).click();
  await page.waitForFunction(() => document.documentElement.classList.contains("elder"));
  for (const screen of screens) {
    await visit(screen);
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), "18px", `${screen.name}: 长辈版 kept`);
    assert.deepEqual(await page.evaluate(elderProblems), [], `${screen.name} in 长辈版`);
    assert.deepEqual(await page.evaluate(layoutProblems), [], `${screen.name} in 长辈版`);
    const save = screen.name === "首页" || screen.name === "线索上报";
    await shot(save ? `h5-elder-${screen.name === "首页" ? "home" : "form"}` : `h5-elder-${screen.path}`, { save });
  }
  await visit(screens[1]);
  await page.getByRole("switch", { name: "长辈版" }).click();
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), "16px");
  assert.deepEqual(run.consoleErrors, [], "the browser console shows no errors");
  assert.deepEqual(run.axeFindings, [], "no serious or critical accessibility findings in either mode");
});
