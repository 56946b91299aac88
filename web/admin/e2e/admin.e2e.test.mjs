// The admin site end to end: Debian's Chromium (playwright-core) against scripts/local's server
// (real API, real local AWS). ADMIN_E2E_BASE is the server's origin; screenshots go to
// docs/screenshots/. Run by scripts/test.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import { ROOT, SHOTS, createRun } from "../../tools/e2e.mjs";

const BASE = process.env.ADMIN_E2E_BASE ?? "http://127.0.0.1:3000";
const SITE = `${BASE}/admin/`;
const REPLY = "经核查投诉属实,已责令该机构立即停止违规培训并退还预收费用。";

const run = createRun(BASE);
const { api, token, staffToken, shot } = run;
const { consoleErrors, failedResponses, axeFindings } = run;
let page;

/** A citizen's report with one photo, through the API as the H5 would send it. */
async function submitReport() {
  const citizen = await token({ role: "citizen", sub: "e2e-citizen", name: "张三", phone: "13812341234" });
  const photo = await readFile(`${ROOT}tests/fixtures/evidence.jpg`);
  const upload = await api("/v1/uploads", {
    token: citizen,
    method: "POST",
    body: { kind: "image", files: [{ content_type: "image/jpeg", size: photo.length }] },
  });
  assert.equal(upload.status, 200, upload.text);
  const meta = await api("/v1/meta");
  const [slot] = upload.json.uploads;
  const put = await fetch(slot.url, { method: "PUT", headers: slot.headers, body: photo });
  assert.ok(put.ok, `upload: ${put.status}`);
  const receipt = await api("/v1/reports", {
    token: citizen,
    method: "POST",
    headers: { "idempotency-key": `e2e-${Date.now()}` },
    body: {
      target: "端到端测试教育咨询有限公司",
      city: "420100",
      county: "420106",
      address: "中南路1号3楼",
      category: "academic",
      violation_types: ["unlicensed"],
      content: "周末在居民楼内组织初中数学培训,现场约有二十名学生。",
      public: true,
      evidence: { kind: "image", keys: [slot.key] },
      notice_version: meta.json.notice.version,
    },
  });
  assert.equal(receipt.status, 201, receipt.text);
  return receipt.json.serial;
}

async function signInAs(label) {
  await page.goto(`${SITE}#/login`);
  await page.getByRole("button", { name: label, exact: true }).click();
  await page.waitForURL(/#\/reports/);
}

async function signOut() {
  await page.getByRole("button", { name: "退出登录" }).click();
  await page.waitForURL(/#\/login/);
}

before(async () => {
  page = await run.launch({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
});

after(() => run.close());

/** The city supervisor's dashboard figure named by its data-test attribute. */
async function figure(name) {
  const text = await page.getByTestId(name).locator(".el-statistic__number").innerText();
  return Number(text.replace(/,/g, ""));
}

async function cityDashboard() {
  await page.getByRole("menuitem", { name: "统计" }).click();
  await page.waitForURL(/#\/stats/);
  await page.getByTestId("replied").waitFor();
  await page.waitForLoadState("networkidle");
  return { total: await figure("total"), replied: await figure("replied") };
}

test("a report goes from the citizen to the public board through the admin site", async () => {
  // The city supervisor's figures before the report exists.
  await signInAs("武汉市 市级督导 李督导");
  const before = await cityDashboard();
  await signOut();
  const serial = await submitReport();

  // 武昌区's handler finds it in the queue, opens it, views the photo.
  await signInAs("武昌区教育局 受理人员 王科员");
  await page.getByRole("tab", { name: /待受理/ }).click();
  const row = page.locator(".el-table__row", { hasText: serial });
  await row.waitFor();
  assert.match(await row.innerText(), /签收(剩余|今日)/);
  assert.match(await page.getByTestId("who").innerText(), /王科员[\s\S]*受理人员[\s\S]*武昌区教育局/);
  await shot("admin-queue");
  await row.click();
  await page.waitForURL(new RegExp(`#/reports/${serial}`));
  await page.getByText("端到端测试教育咨询有限公司").waitFor();
  assert.equal(await page.getByTestId("reporter").innerText(), "张* 138****1234");
  assert.match(await page.getByTestId("notice-version").innerText(), /^版本 [0-9a-f]{12}$/);
  // The preview is made within seconds of submission; the detail reads again until it is there.
  await page.getByTestId("evidence-image").waitFor();
  await shot("admin-detail");
  assert.match(await page.getByTestId("evidence-fingerprint").first().innerText(), /SHA-256 [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}…/);
  assert.match(await page.getByTestId("evidence-device").first().innerText(), /无拍摄信息|拍摄时间/);
  await page.getByTestId("evidence-image").locator("img").click();
  await page.locator(".el-image-viewer__wrapper").waitFor();
  const viewerImage = page.locator(".el-image-viewer__img");
  await viewerImage.waitFor();
  assert.ok(await viewerImage.evaluate((img) => img.complete && img.naturalWidth > 0), "the preview loads");
  assert.match(await viewerImage.getAttribute("src"), /\/previews\//, "the viewer shows the preview, not the original");
  await page.keyboard.press("Escape");
  await page.locator(".el-image-viewer__wrapper").waitFor({ state: "detached" });

  // 查看原图: refused once (the screen says so in words), then the sealed original opens and
  // the look joins the custody log.
  const originalPath = `**/v1/staff/reports/${serial}/evidence/1/original`;
  const unavailable = { status: 503, contentType: "application/json", body: JSON.stringify({ code: "unavailable", message: "系统繁忙,请稍后再试" }) };
  await page.route(originalPath, (route) => route.fulfill(unavailable), { times: 1 });
  await page.getByTestId("evidence-original").first().click();
  await page.getByText("原件获取失败:系统繁忙,请稍后再试").waitFor();
  assert.equal(await page.locator(".el-image-viewer__wrapper").count(), 0, "nothing opened");
  await page.getByTestId("evidence-original").first().click();
  await page.locator(".el-image-viewer__wrapper").waitFor();
  await viewerImage.waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector(".el-image-viewer__img");
    return img?.complete && img.naturalWidth > 0;
  });
  assert.match(await viewerImage.getAttribute("src"), /\/evidence\/.*versionId=/, "the sealed original, pinned to its version");
  await page.locator(".el-image-viewer__actions .el-icon").nth(4).click(); // rotate
  await page.screenshot({ path: `${SHOTS}admin-evidence.png` });
  await page.keyboard.press("Escape");

  // Reveal the contact after the confirmation that says it is recorded.
  await page.getByRole("button", { name: "查看联系方式" }).click();
  await page.getByText("查看举报人联系方式将被记录").waitFor();
  await page.getByRole("button", { name: "确定" }).click();
  await page.getByTestId("reporter").filter({ hasText: "13812341234" }).waitFor();
  // The reveal is in the custody log, whose chain the server recomputed.
  const custody = page.getByTestId("custody");
  assert.equal(await custody.getByTestId("custody-intact").innerText(), "记录完整,未被改动");
  await custody.locator(".el-collapse-item__header").click();
  await custody.getByText("查看举报人联系方式").first().waitFor();
  await custody.getByText("查看原件").first().waitFor();
  await custody.getByText("封存举证材料").waitFor();
  // 导出证据包: refused once (in words, nothing downloaded), then the ZIP downloads under its
  // Chinese name, and the package joins the log.
  await page.route(`**/v1/staff/reports/${serial}/package`, (route) => route.fulfill(unavailable), { times: 1 });
  await page.getByTestId("export-package").click();
  await page.getByText("系统繁忙,请稍后再试").first().waitFor();
  const [evidencePackage] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-package").click()]);
  assert.equal(evidencePackage.suggestedFilename(), `证据包-${serial}.zip`);
  await custody.getByText("导出证据包").first().waitFor();

  // 签收, then 回复 with a template.
  await page.locator("[data-test=actions]").getByRole("button", { name: "签收" }).click();
  await page.getByRole("button", { name: "确定" }).click();
  await page.locator(".el-page-header").getByText("处理中").waitFor();

  // A stale version: another session of the same agency replies first; the typed reply stays.
  await page.locator("[data-test=actions]").getByRole("button", { name: "回复" }).click();
  const dialog = page.getByTestId("action-dialog");
  await dialog.getByText("属实", { exact: true }).click();
  // 处理措施 for a substantiated finding: the order to stop, and a refund with its amount.
  await dialog.getByTestId("measures").getByText("责令停止违规培训").click();
  await dialog.getByTestId("measures").getByText("责令退费").click();
  await dialog.getByLabel("责令退费金额(元)").fill("3000");
  await dialog.getByLabel("回复模板").click({ force: true });
  await page.locator(".el-select-dropdown__item:visible").first().click();
  const textarea = dialog.getByLabel("回复内容");
  assert.ok((await textarea.inputValue()).length > 0, "the template was inserted");
  await textarea.fill(REPLY);
  await shot("admin-reply");
  const other = await staffToken({ sub: "e2e-other", name: "孙科员", agency: "420106-education", region: "420106", staff_role: "handler" });
  const current = await api(`/v1/staff/reports/${serial}`, { token: other });
  const note = await api(`/v1/staff/reports/${serial}/actions`, {
    token: other,
    method: "POST",
    body: { action: "note", version: current.json.version, text: "已电话联系机构负责人" },
  });
  assert.equal(note.status, 200, note.text);
  await dialog.getByRole("button", { name: "提交" }).click();
  await dialog.getByText("他人已先处理了该举报件").waitFor();
  await dialog.getByText(/孙科员 于 .*内部备注/).waitFor();
  assert.equal(await textarea.inputValue(), REPLY, "the typed reply is kept");
  await page.screenshot({ path: `${SHOTS}admin-conflict.png` });
  await dialog.getByRole("button", { name: "提交" }).click();
  await page.locator(".el-page-header").getByText("已回复").waitFor();
  await page.getByText(REPLY, { exact: true }).waitFor(); // the reply; its timeline step reads 属实:…
  await page.getByTestId("measures-shown").getByText("责令停止违规培训;责令退费3000元").waitFor();
  await signOut();

  // 洪山区's handler cannot see it.
  await signInAs("洪山区教育局 受理人员 赵科员");
  await page.waitForLoadState("networkidle");
  assert.equal(await page.locator(".el-table__row", { hasText: serial }).count(), 0);
  await page.goto(`${SITE}#/reports/${serial}`);
  await page.getByText("未找到该举报件,或不在您的办理范围内").waitFor();
  await signOut();

  // The city supervisor publishes it with redacted text.
  await signInAs("武汉市 市级督导 李督导");
  await page.goto(`${SITE}#/reports/${serial}`);
  await page.locator("[data-test=actions]").getByRole("button", { name: "公开" }).click();
  const publicText = "某教育咨询公司在居民楼内违规开展学科类培训,已责令停止。";
  await page.getByTestId("action-dialog").getByLabel("公开内容").fill(publicText);
  const preview = await page.getByTestId("public-preview").innerText();
  assert.ok(preview.includes(publicText) && preview.includes("武昌区教育局") && !preview.includes("张") && !preview.includes("1381234"));
  assert.ok(preview.includes("处理措施:责令停止违规培训;责令退费3000元"), "the board shows the measures with the finding");
  await shot("admin-publish");
  await page.getByTestId("action-dialog").getByRole("button", { name: "提交" }).click();
  await page.locator(".el-page-header").getByText("已公开").waitFor();

  // The public board shows it, without the reporter.
  const board = await api("/v1/public/reports?city=420100&limit=50");
  const entry = board.json.items.find((i) => i.serial === serial);
  assert.equal(entry?.public_text, publicText);
  assert.deepEqual(entry.reply.measures.map((m) => m.text), ["责令停止违规培训", "责令退费3000元"], "the board shows the measures");
  assert.ok(!JSON.stringify(entry).includes("13812341234") && !JSON.stringify(entry).includes("张三"));

  // The export downloads a CSV with the report.
  await page.getByRole("menuitem", { name: "举报件列表" }).click();
  await page.getByTestId("export").click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("menuitem", { name: "导出 CSV" }).click()]);
  const csv = await readFile(await download.path(), "utf8");
  assert.ok(csv.includes(serial), "the export lists the report");
  // scripts/test runs the server with EXPORT_ROWS=2: the city's export came in parts, joined here.
  assert.ok(csv.startsWith("\uFEFF流水号,"), "one BOM, then the header");
  assert.equal(csv.split("流水号,").length - 1, 1, "one header row for all parts");
  assert.ok(csv.trim().split("\n").length - 1 > 2, "more rows than one part holds");
  // The workbook: one file, named for the city and the day.
  await page.getByTestId("export").click();
  const [workbook] = await Promise.all([page.waitForEvent("download"), page.getByRole("menuitem", { name: "导出 Excel(.xlsx)" }).click()]);
  assert.match(workbook.suggestedFilename(), /^武汉市-举报件-\d{8}\.xlsx$/);
  const xlsx = await readFile(await workbook.path());
  assert.equal(xlsx.subarray(0, 2).toString(), "PK", "an XLSX (zip) file");

  // The dashboard's numbers moved: one more report, and it is replied.
  const afterwards = await cityDashboard();
  // 查实率 per county of the city, the one this report went to among them.
  const found = page.getByTestId("found-by-region");
  assert.match(await found.locator(".el-table__row", { hasText: "武昌区" }).innerText(), /武昌区\s+\d+\s+\d+\s+\d+\.\d%\s+\d+/);
  await shot("admin-dashboard");
  // 导出报表: the dashboard's tables as one workbook, named for the city.
  const [report] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-report").click()]);
  assert.match(report.suggestedFilename(), /^武汉市-统计报表-\d{8}\.xlsx$/);
  assert.equal((await readFile(await report.path())).subarray(0, 2).toString(), "PK", "an XLSX (zip) file");
  assert.deepEqual(afterwards, { total: before.total + 1, replied: before.replied + 1 });
  await signOut();
  await shot("admin-sign-in");

  assert.deepEqual(consoleErrors, [], "the browser console shows no errors");
  assert.deepEqual(
    failedResponses,
    [
      `503 /v1/staff/reports/${serial}/evidence/1/original`,
      `503 /v1/staff/reports/${serial}/package`,
      `409 /v1/staff/reports/${serial}/actions`,
      `404 /v1/staff/reports/${serial}`,
    ],
    "only the refused original and package, the stale reply and 洪山区's look answered with errors",
  );
  assert.deepEqual(axeFindings, [], "no serious or critical accessibility findings");
});

test("a city supervisor imports the registry: a bad file lists every error and imports nothing, a good one imports", async () => {
  const seen = failedResponses.length;
  await signInAs("武汉市 市级督导 李督导");
  await page.getByRole("menuitem", { name: "机构名录" }).click();
  await page.waitForURL(/#\/institutions/);
  const header = "机构名称,别名,统一社会信用代码,办学许可证号,区县,地址,类型,是否在全国监管平台,状态\n";
  const name = `端到端名录机构${Date.now().toString(36).toUpperCase()}`;
  const input = page.getByTestId("import").locator("input[type=file]");
  const bad = `${header}${name},,,,武昌区,,培训类,,\n乙艺术中心,,,,襄城区,,,,\n`;
  await input.setInputFiles({ name: "名录-有误.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  const errors = page.getByTestId("import-errors");
  await errors.getByText("类型应为学科类、非学科类或未知").waitFor();
  assert.equal(await errors.locator(".el-table__row").count(), 2, "one row per error, by line and column");
  assert.ok((await errors.innerText()).includes("不在您的管辖范围内"), "a county of another city is refused");
  await shot("admin-import-errors");
  const registry = async () => (await api(`/v1/staff/institutions?county=420106&q=${encodeURIComponent(name)}`, { token: supervisor })).json.items;
  const supervisor = await staffToken({ sub: "e2e-import-check", name: "核对", region: "420100", staff_role: "city" });
  assert.deepEqual(await registry(), [], "nothing of a file with errors is imported");

  const good = `\uFEFF${header}${name},${name}别名,,,武昌区,中南路8号,非学科类,是,正常\n`;
  await input.setInputFiles({ name: "名录.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
  await page.getByTestId("import-result").getByText("新增 1 家").waitFor();
  await page.getByLabel("区县").first().click({ force: true });
  await page.locator(".el-select-dropdown__item:visible", { hasText: "武昌区" }).click();
  await page.getByLabel("按名称或别名查找").fill(`${name}别名`);
  await page.getByTestId("registry").getByText(name, { exact: true }).waitFor();
  await shot("admin-registry");
  assert.equal((await registry()).length, 1);
  await signOut();

  assert.deepEqual(failedResponses.slice(seen), ["422 /v1/staff/institutions/import"], "only the refused file answered with an error");
  assert.deepEqual(consoleErrors, [], "the browser console shows no errors");
  assert.deepEqual(axeFindings, [], "no serious or critical accessibility findings");
});

test("a clerk whose session expires mid-reply signs in again and finds the reply as typed", async () => {
  const seen = failedResponses.length;
  const serial = await submitReport();
  await signInAs("武昌区教育局 受理人员 王科员");
  await page.goto(`${SITE}#/reports/${serial}`);
  await page.locator("[data-test=actions]").getByRole("button", { name: "签收" }).click();
  await page.getByRole("button", { name: "确定" }).click();
  await page.locator(".el-page-header").getByText("处理中").waitFor();
  await page.locator("[data-test=actions]").getByRole("button", { name: "回复" }).click();
  const dialog = page.getByTestId("action-dialog");
  await dialog.getByText("属实", { exact: true }).click();
  const typed = "经核查属实,已责令该机构停止培训(会话过期后仍保留)。";
  await dialog.getByLabel("回复内容").fill(typed);
  // The session has run out by the time 提交 is pressed.
  const expired = { status: 401, contentType: "application/json", body: JSON.stringify({ code: "unauthorized", message: "请先登录" }) };
  await page.route(`**/v1/staff/reports/${serial}/actions`, (route) => route.fulfill(expired), { times: 1 });
  await dialog.getByRole("button", { name: "提交" }).click();
  await page.getByTestId("session-expired").waitFor();
  assert.match(await page.getByTestId("session-expired").innerText(), /登录已过期,请重新登录[\s\S]*内容已保留/);
  await shot("admin-session-expired");
  await page.getByRole("button", { name: "武昌区教育局 受理人员 王科员", exact: true }).click();
  await page.waitForURL(new RegExp(`#/reports/${serial}\\?dialog=reply`));
  const again = page.getByTestId("action-dialog");
  await again.getByLabel("回复内容").waitFor();
  assert.equal(await again.getByLabel("回复内容").inputValue(), typed, "the typed reply is back");
  await again.getByRole("button", { name: "提交" }).click();
  await page.locator(".el-page-header").getByText("已回复").waitFor();
  await page.getByText(typed, { exact: true }).waitFor();
  await signOut();

  assert.deepEqual(failedResponses.slice(seen), [`401 /v1/staff/reports/${serial}/actions`], "only the expired session's answer");
  assert.deepEqual(consoleErrors, [], "the browser console shows no errors");
  assert.deepEqual(axeFindings, [], "no serious or critical accessibility findings");
});

test("a dissatisfied reply is on the 不满意 list, gets a 回访, goes back for a second round, and both rounds show", async () => {
  const seen = failedResponses.length;
  const serial = await submitReport();
  const citizen = await token({ role: "citizen", sub: "e2e-citizen", name: "张三", phone: "13812341234" });
  const handler = await staffToken({ sub: "e2e-rounds", name: "钱科员", agency: "420106-education", region: "420106", staff_role: "handler" });
  const act = async (body) => {
    const current = await api(`/v1/staff/reports/${serial}`, { token: handler });
    const done = await api(`/v1/staff/reports/${serial}/actions`, { token: handler, method: "POST", body: { ...body, version: current.json.version } });
    assert.equal(done.status, 200, done.text);
  };
  await act({ action: "accept" });
  await act({ action: "reply", finding: "unsubstantiated", text: "经核查未发现违规培训。" });
  const rated = await api(`/v1/me/reports/${serial}/rating`, { token: citizen, method: "POST", body: { stars: 1, comment: "培训仍在进行" } });
  assert.equal(rated.status, 201, rated.text);

  // The city supervisor finds it with 不满意.
  await signInAs("武汉市 市级督导 李督导");
  await page.getByTestId("filter-dissatisfied").click();
  const row = page.locator(".el-table__row", { hasText: serial });
  await row.getByText("不满意").waitFor();
  await shot("admin-dissatisfied");
  await row.click();
  await page.waitForURL(new RegExp(`#/reports/${serial}`));

  // 回访, recorded with its time and outcome.
  await page.locator("[data-test=actions]").getByRole("button", { name: "回访" }).click();
  const dialog = page.getByTestId("action-dialog");
  await dialog.getByLabel("回访时间").fill(await page.evaluate(() => {
    const d = new Date(Date.now() + 8 * 3600 * 1000);
    return d.toISOString().slice(0, 19).replace("T", " ");
  }));
  await dialog.getByLabel("回访时间").press("Enter");
  await dialog.getByText("不满意", { exact: true }).click();
  await dialog.getByLabel("回访记录").fill("举报人称周末仍有学生上课");
  await dialog.getByRole("button", { name: "提交" }).click();
  await page.getByTestId("reply-rounds").getByText("举报人称周末仍有学生上课").waitFor();

  // 退回重办: the first round folds away with its rating; the agency answers round 2.
  await page.locator("[data-test=actions]").getByRole("button", { name: "退回重办" }).click();
  await dialog.getByLabel("原因").fill("回访不满意,请重新核查");
  await dialog.getByRole("button", { name: "提交" }).click();
  await page.locator(".el-page-header").getByText("处理中").waitFor();
  await act({ action: "reply", finding: "substantiated", text: "经复查属实,已责令停止培训。" });
  await page.reload();
  const rounds = page.getByTestId("reply-rounds");
  await rounds.getByText("第2轮").waitFor();
  const earlier = page.getByTestId("earlier-rounds");
  await earlier.getByText("第1轮:不属实 · 1星 · 退回重办").click();
  await earlier.getByText("回访不满意,请重新核查").waitFor();
  await shot("admin-rounds");
  await signOut();

  assert.deepEqual(failedResponses.slice(seen), [], "no request failed");
  assert.deepEqual(consoleErrors, [], "the browser console shows no errors");
  assert.deepEqual(axeFindings, [], "no serious or critical accessibility findings");
});

test("a handler asks the reporter for more: the clock pauses, the answer and its photo show, and the reply follows", async () => {
  const seen = failedResponses.length;
  const serial = await submitReport();
  const citizen = await token({ role: "citizen", sub: "e2e-citizen", name: "张三", phone: "13812341234" });
  const handler = await staffToken({ sub: "e2e-ask", name: "吴科员", agency: "420106-education", region: "420106", staff_role: "handler" });
  const current = await api(`/v1/staff/reports/${serial}`, { token: handler });
  const accepted = await api(`/v1/staff/reports/${serial}/actions`, { token: handler, method: "POST", body: { action: "accept", version: current.json.version } });
  assert.equal(accepted.status, 200, accepted.text);

  // 补充材料 from the catalog's ready-made questions; reply and hand-on wait while it is open.
  await signInAs("武昌区教育局 受理人员 王科员");
  // A holiday year the calendar lacks is a banner on every page, in the API's words.
  const me = await api("/v1/staff/me", { token: handler });
  if (me.json.calendar_warning) await page.getByTestId("calendar-warning").getByText(me.json.calendar_warning.message).waitFor();
  else assert.equal(await page.getByTestId("calendar-warning").count(), 0);
  await page.goto(`${SITE}#/reports/${serial}`);
  const actions = page.getByTestId("actions");
  await actions.getByRole("button", { name: "补充材料" }).click();
  const dialog = page.getByTestId("action-dialog");
  await dialog.getByTestId("ask-hint").waitFor();
  await dialog.getByLabel("常用问题").click({ force: true });
  await page.locator(".el-select-dropdown__item:visible", { hasText: "请补充培训地点的具体楼层、门牌号" }).click();
  assert.equal(await dialog.getByLabel("需补充的内容").inputValue(), "请补充培训地点的具体楼层、门牌号");
  await shot("admin-ask");
  await dialog.getByRole("button", { name: "提交" }).click();
  await page.getByTestId("awaiting-reporter").waitFor();
  const questions = page.getByTestId("questions");
  await questions.getByText("回复计时暂停中").waitFor();
  assert.equal(await actions.getByRole("button", { name: "回复" }).count(), 0, "no reply while the reporter is asked");
  assert.equal(await actions.getByRole("button", { name: "转办" }).count(), 0, "no hand-on while the reporter is asked");
  // The queue's 待补充 filter finds it, marked.
  await page.getByRole("menuitem", { name: "举报件列表" }).click();
  await page.getByTestId("filter-awaiting").click();
  await page.locator(".el-table__row", { hasText: serial }).getByText("待补充").waitFor();
  await page.goto(`${SITE}#/reports/${serial}`);
  await questions.waitFor();

  // The reporter answers with words and a photo (as the H5 sends it).
  const photo = await readFile(`${ROOT}tests/fixtures/evidence.jpg`);
  const upload = await api("/v1/uploads", { token: citizen, method: "POST", body: { kind: "image", files: [{ content_type: "image/jpeg", size: photo.length }] } });
  const [slot] = upload.json.uploads;
  assert.ok((await fetch(slot.url, { method: "PUT", headers: slot.headers, body: photo })).ok);
  const answered = await api(`/v1/me/reports/${serial}/answer`, { token: citizen, method: "POST", body: { text: "在3楼301室,门口挂着“学习室”招牌", evidence: { kind: "image", keys: [slot.key] } } });
  assert.equal(answered.status, 200, answered.text);

  await page.reload();
  await questions.getByText("已补充").waitFor();
  await questions.getByText("在3楼301室").waitFor();
  await questions.getByTestId("answer-original").click();
  const viewer = page.locator(".el-image-viewer__img");
  await viewer.waitFor();
  assert.match(await viewer.getAttribute("src"), /\/evidence\//, "the sealed original");
  await page.keyboard.press("Escape");
  await page.locator(".el-image-viewer__wrapper").waitFor({ state: "detached" });
  await shot("admin-answer");
  // The look at the answer's photo is in the custody log; the reply is offered again.
  const after = await api(`/v1/staff/reports/${serial}`, { token: handler });
  const entries = after.json.custody.entries.map((e) => `${e.action}:${e.subject.split(" ")[0]}`);
  assert.ok(entries.some((e) => e.startsWith("seal:answer")), entries.join(", "));
  assert.equal(entries.filter((e) => e.startsWith("view:")).length, 1, entries.join(", "));
  assert.equal(after.json.custody.intact, true);
  await actions.getByRole("button", { name: "回复" }).waitFor();
  await signOut();

  assert.deepEqual(failedResponses.slice(seen), [], "no request failed");
  assert.deepEqual(consoleErrors, [], "the browser console shows no errors");
  assert.deepEqual(axeFindings, [], "no serious or critical accessibility findings");
});

test("a city supervisor adds a handler who signs in to the agency's queue, disables them, and finds both in 操作日志", async () => {
  const seen = failedResponses.length;
  const sub = `e2e-staff-${Date.now()}`;
  await signInAs("武汉市 市级督导 李督导");
  await page.getByRole("menuitem", { name: "人员管理" }).click();
  await page.locator("[data-test=roster]").getByText("王科员", { exact: true }).first().waitFor();
  await page.locator("[data-test=roster-add]").click();
  const dialog = page.locator("[data-test=roster-dialog]");
  await dialog.getByLabel("账号标识").fill(sub);
  await dialog.getByLabel("姓名").fill("郑科员");
  await dialog.getByLabel("所属机构").click();
  await page.getByRole("option", { name: "武昌区 武昌区教育局" }).click();
  // A mobile one digit short is refused in the API's words, the dialog kept as typed.
  await dialog.getByLabel("手机号").fill("1390000222");
  await dialog.locator("[data-test=roster-save]").click();
  await dialog.locator("[data-test=roster-form-error]").getByText("手机号应为11位数字").waitFor();
  assert.equal(await dialog.getByLabel("姓名").inputValue(), "郑科员");
  await dialog.getByLabel("手机号").fill("13900002222");
  await dialog.locator("[data-test=roster-save]").click();
  await page.locator("[data-test=roster]").getByText("郑科员").waitFor();
  await shot("admin-roster");
  await signOut();

  // The demo issuer signs the new handler in; the roster makes them 武昌区教育局's.
  await signInAs("武昌区教育局 受理人员 郑科员");
  await page.locator("[data-test=who]").getByText("武昌区教育局").waitFor();
  // The agency's queue: the reports the earlier tests filed in 武昌区.
  await page.locator(".el-table__row").first().waitFor();
  await signOut();

  await signInAs("武汉市 市级督导 李督导");
  await page.getByRole("menuitem", { name: "人员管理" }).click();
  await page.locator(`[data-test=roster-toggle-${sub}]`).click();
  await page.getByRole("button", { name: "确定" }).click();
  await page.locator("[data-test=roster]").getByText("已停用").waitFor();
  await signOut();

  // Disabled: the same demo sign-in is refused with the API's words.
  await page.goto(`${SITE}#/login`);
  await page.getByRole("button", { name: "武昌区教育局 受理人员 郑科员(已停用)", exact: true }).click();
  await page.getByText("该账号已停用,请联系本地区督导").waitFor();
  await shot("admin-staff-disabled");

  await signInAs("武汉市 市级督导 李督导");
  await page.getByRole("menuitem", { name: "操作日志" }).click();
  const log = page.locator("[data-test=audit-log]");
  await log.getByText("停用 郑科员(武昌区教育局 受理人员)").waitFor();
  await log.getByText("新增 郑科员(武昌区教育局 受理人员)").waitFor();
  await shot("admin-audit-log");
  await signOut();
  assert.deepEqual(
    failedResponses.slice(seen),
    ["400 /v1/staff/roster", "403 /v1/staff/me"],
    "only the short mobile and the disabled person's sign-in were refused",
  );
});

test("人员管理, 机构与电话 and 操作日志 say why a read failed and offer 重试; 机构与电话 saves a duty phone after refusing a bad one", async () => {
  const seen = failedResponses.length;
  await signInAs("武汉市 市级督导 李督导");
  const down = { code: "unavailable", message: "服务暂时不可用,请稍后重试" };
  for (const [path, menu, error, table] of [
    ["/v1/staff/roster", "人员管理", "roster-error", "roster"],
    ["/v1/staff/agencies", "机构与电话", "phones-error", "agency-phones"],
    ["/v1/staff/audit?", "操作日志", "audit-error", "audit-log"],
  ]) {
    await page.route(
      (url) => `${url.pathname}?`.startsWith(path),
      (route) => route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify(down) }),
      { times: 1 },
    );
    await page.getByRole("menuitem", { name: menu }).click();
    const alert = page.getByTestId(error);
    await alert.getByText(down.message).waitFor();
    await alert.getByRole("button", { name: "重试" }).click();
    await alert.waitFor({ state: "detached" });
    await page.getByTestId(table).locator(".el-table__row").first().waitFor();
  }

  await page.getByRole("menuitem", { name: "机构与电话" }).click();
  await page.getByTestId("phones-edit-420106-education").click();
  const dialog = page.getByTestId("phones-dialog");
  await dialog.getByLabel("值班手机").fill("13900003333\n13900004444");
  await dialog.getByLabel("举报电话").fill("电话");
  await dialog.getByTestId("phones-save").click();
  await dialog.getByTestId("phones-form-error").getByText("举报电话格式有误,例如 027-87654321").waitFor();
  await dialog.getByLabel("举报电话").fill("027-88886666");
  await dialog.getByTestId("phones-save").click();
  await page.getByTestId("agency-phones").getByText("13900003333、13900004444").waitFor();
  await shot("admin-agency-phones");
  await signOut();
  assert.deepEqual(
    failedResponses.slice(seen),
    ["503 /v1/staff/roster", "503 /v1/staff/agencies", "503 /v1/staff/audit", "400 /v1/staff/agencies/420106-education/phones"],
    "only the failures the test made",
  );
});

/** A day of January of `year` as the date picker shows it, and as the API takes it. */
function january(year, day) {
  return { label: String(day), iso: `${year}-01-${String(day).padStart(2, "0")}` };
}

/** Clicks `day` (this month's cell) in the date picker `kind`, which opens on January. */
async function pickDay(kind, day) {
  const placeholder = { holidays: "选择放假日期", workdays: "选择调休上班日期" }[kind];
  await page.getByTestId("calendar-dialog").getByPlaceholder(placeholder).click();
  const panel = page.locator(`.calendar-${kind}-panel`);
  await panel
    .locator(".el-date-table td.available:not(.prev-month):not(.next-month)")
    .getByText(day.label, { exact: true })
    .click();
  await page.getByTestId("calendar-dialog").locator(".el-dialog__title").click();
}

test("节假日: the province supervisor goes from the banner to enter next year, a weekday refused as a make-up day, and the entry shows in 操作日志", async () => {
  const seen = failedResponses.length;
  const next = new Date().getFullYear() + 1;
  await signInAs("湖北省 省级督导 陈督导");
  const down = { code: "unavailable", message: "服务暂时不可用,请稍后重试" };
  await page.route(
    (url) => url.pathname.endsWith("/v1/staff/calendar"),
    (route) => route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify(down) }),
    { times: 1 },
  );
  const banner = page.getByTestId("calendar-warning");
  if (await banner.isVisible()) {
    await banner.getByRole("button", { name: "去录入" }).click();
  } else {
    await page.getByRole("menuitem", { name: "节假日" }).click();
  }
  const alert = page.getByTestId("calendar-error");
  await alert.getByText(down.message).waitFor();
  await alert.getByRole("button", { name: "重试" }).click();
  await page.getByTestId(`calendar-edit-${next}`).click();

  // 1 January off; a weekday of January "worked" is refused with the API's words.
  const weekday = [4, 5, 6, 7, 8].find((d) => ![0, 6].includes(new Date(next, 0, d).getDay()));
  await pickDay("holidays", january(next, 1));
  await pickDay("workdays", january(next, weekday));
  const dialog = page.getByTestId("calendar-dialog");
  await dialog.getByTestId("calendar-save").click();
  await dialog.getByTestId("calendar-form-error").getByText("调休上班日应为周六或周日", { exact: false }).waitFor();
  await pickDay("workdays", january(next, weekday)); // picked again: unpicked
  await dialog.getByTestId("calendar-save").click();
  await page.getByTestId(`calendar-source-${next}`).getByText("已录入").waitFor();
  // A banner about next year goes once it is entered (one about this year would stay).
  await page.getByTestId("calendar-warning").filter({ hasText: `${next}年节假日` }).waitFor({ state: "detached" });
  await shot("admin-calendar");

  await page.getByRole("menuitem", { name: "操作日志" }).click();
  await page.locator("[data-test=audit-log]").getByText(`录入${next}年节假日:放假1天,调休上班0天`).waitFor();
  await signOut();
  assert.deepEqual(
    failedResponses.slice(seen),
    ["503 /v1/staff/calendar", `400 /v1/staff/calendar/${next}`],
    "only the failures the test made",
  );
});
