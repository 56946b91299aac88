import { describe, expect, test } from "vitest";
import { availableActions } from "./actions";
import { actorName, describeChanges } from "./conflict";
import { dueDisplay } from "./deadline";
import { fileName } from "./download";
import { foundByRegion } from "./stats";
import { isMasked, reporterLine } from "./reporter";

const handler = { role: "handler" as const, agency: { id: "420106-education", name: "武昌区教育局" } };
const otherHandler = { role: "handler" as const, agency: { id: "420111-education", name: "洪山区教育局" } };
const city = { role: "city" as const, agency: null };

function report(status: "pending" | "processing" | "replied", extra: Record<string, unknown> = {}) {
  return {
    status,
    agency: { id: "420106-education", name: "武昌区教育局" },
    public: true,
    published: false,
    dissatisfied: false,
    reopens_by_rating_left: 2,
    awaiting_reporter: false,
    reporter: { phone_revealed: false },
    ...extra,
  };
}

describe("deadline display", () => {
  const due = (kind: "sign" | "reply", left: number, overdue = false) => ({
    due: { kind, by: "2025-09-29T23:59:59+08:00", working_days_left: left },
    overdue,
  });
  test("plenty of time is plain, one day or less is amber, past is red and flagged", () => {
    expect(dueDisplay(due("reply", 5))).toEqual({ text: "回复剩余 5 个工作日", level: "ok" });
    expect(dueDisplay(due("sign", 1))).toEqual({ text: "签收剩余 1 个工作日", level: "soon" });
    expect(dueDisplay(due("sign", 0))).toEqual({ text: "签收今日到期", level: "soon" });
    expect(dueDisplay(due("reply", -3, true))).toEqual({ text: "回复已超期 3 个工作日", level: "overdue" });
  });
  test("a deadline counted without a year's holidays says it will be recounted", () => {
    const marked = { due: { ...due("reply", 5).due, counted_without: [2027] }, overdue: false };
    expect(dueDisplay(marked)).toEqual({ text: "回复剩余 5 个工作日(未计2027年节假日,待重算)", level: "ok" });
  });
  test("the API's overdue flag wins even on the due day; a replied report has no deadline", () => {
    expect(dueDisplay(due("sign", 0, true)).level).toBe("overdue");
    expect(dueDisplay({ due: null, overdue: false })).toEqual({ text: "已办结", level: "none" });
  });
  test("a paused clock says so instead of counting", () => {
    expect(dueDisplay({ ...due("reply", 7), awaiting_reporter: true })).toEqual({ text: "等待举报人补充,回复计时暂停", level: "none" });
  });
});

describe("actions offered", () => {
  test("the agency signs for a pending report, replies once processing", () => {
    expect(availableActions(handler, report("pending"))).toEqual(["accept", "transfer", "note", "link_institution", "reveal_contact"]);
    expect(availableActions(handler, report("processing"))).toEqual(["reply", "ask", "transfer", "note", "link_institution", "reveal_contact"]);
  });
  test("while a question waits for the reporter: no reply, no hand-on, no second question, only withdrawing it", () => {
    const waiting = availableActions(handler, report("processing", { awaiting_reporter: true }));
    expect(waiting).toEqual(["withdraw_question", "note", "link_institution", "reveal_contact"]);
    expect(availableActions(city, report("processing", { awaiting_reporter: true }))).not.toContain("transfer");
  });
  test("another agency may only add a note", () => {
    expect(availableActions(otherHandler, report("pending"))).toEqual(["note", "reveal_contact"]);
  });
  test("supervisors urge open reports and publish replied ones the reporter wanted public", () => {
    expect(availableActions(city, report("processing"))).toEqual(["transfer", "urge", "note", "link_institution", "reveal_contact"]);
    expect(availableActions(city, report("replied"))).toEqual(["publish", "order_redo", "follow_up", "note", "link_institution", "reveal_contact"]);
    expect(availableActions(city, report("replied", { public: false }))).toEqual(["order_redo", "follow_up", "note", "link_institution", "reveal_contact"]);
    expect(availableActions(city, report("replied", { published: true }))).toContain("unpublish");
  });
  test("退回重办 and 办结说明 only after a dissatisfied rating, twice at most; contact shown once revealed", () => {
    const poor = { rating: { stars: 2 }, dissatisfied: true };
    expect(availableActions(city, report("replied", poor))).toEqual(expect.arrayContaining(["reopen", "close", "order_redo"]));
    expect(availableActions(handler, report("replied", poor))).toEqual(expect.arrayContaining(["reopen", "follow_up"]));
    expect(availableActions(handler, report("replied", poor))).not.toContain("close");
    expect(availableActions(city, report("replied", { rating: { stars: 4 } }))).not.toContain("reopen");
    expect(availableActions(city, report("replied", { rating: { stars: 4 } }))).not.toContain("close");
    expect(availableActions(city, report("replied", { ...poor, reopens_by_rating_left: 0 }))).not.toContain("reopen");
    // Closed with a reason: the API no longer calls it dissatisfied.
    expect(availableActions(city, report("replied", { ...poor, dissatisfied: false }))).not.toContain("close");
    expect(availableActions(handler, report("replied", { reporter: { phone_revealed: true } }))).not.toContain("reveal_contact");
  });
});

describe("the reporter", () => {
  test("is masked until revealed", () => {
    const masked = { name: "张*", phone: "138****1234", phone_revealed: false };
    expect(isMasked(masked)).toBe(true);
    expect(reporterLine(masked)).toBe("张* 138****1234");
    expect(isMasked({ name: "张三", phone: "13812341234", phone_revealed: true })).toBe(false);
  });
});

describe("a 409: what changed", () => {
  const before = {
    version: 1,
    status_name: "待受理",
    agency: { id: "420106-education", name: "武昌区教育局" },
    published: false,
    timeline: [{ seq: 1, kind: "submitted", label: "提交举报", at: "2025-09-29T09:00:00+08:00", actor: { role: "citizen" as const } }],
  };
  test("names who acted, when, and the new status", () => {
    const after = {
      ...before,
      version: 2,
      status_name: "处理中",
      timeline: [
        ...before.timeline,
        {
          seq: 2,
          kind: "accepted",
          label: "签收",
          at: "2025-09-29T10:05:00+08:00",
          actor: { role: "staff" as const, name: "王科员", agency_name: "武昌区教育局" },
        },
      ],
    };
    expect(describeChanges(before, after)).toEqual(["武昌区教育局 王科员 于 2025-09-29 10:05 签收", "状态由「待受理」变为「处理中」"]);
  });
  test("actors", () => {
    expect(actorName({ role: "citizen" })).toBe("举报人");
    expect(actorName({ role: "system" })).toBe("系统");
  });
});

describe("download names", () => {
  test("the UTF-8 name first, the plain one otherwise", () => {
    const header = `attachment; filename="suishoupai-export.xlsx"; filename*=UTF-8''${encodeURIComponent("武汉市-举报件-20261101-20261130.xlsx")}`;
    expect(fileName(header)).toBe("武汉市-举报件-20261101-20261130.xlsx");
    expect(fileName('attachment; filename="suishoupai-export.csv"')).toBe("suishoupai-export.csv");
    expect(fileName(null)).toBeNull();
  });
});

describe("查实率 per region", () => {
  const meta = {
    regions: {
      province: { code: "420000", name: "湖北省" },
      cities: [
        { code: "420100", name: "武汉市", counties: [{ code: "420106", name: "武昌区" }, { code: "420111", name: "洪山区" }] },
        { code: "420200", name: "黄石市", counties: [{ code: "420202", name: "黄石港区" }] },
      ],
    },
  } as unknown as Parameters<typeof foundByRegion>[1];
  const stats = {
    found_by_county: {
      "420106": { replied: 3, found: 2, rate: 2 / 3, measures: 3 },
      "420111": { replied: 1, found: 0, rate: 0, measures: 0 },
      "420202": { replied: 2, found: 2, rate: 1, measures: 1 },
    },
  } as unknown as Parameters<typeof foundByRegion>[0];
  test("a province sums its counties per city", () => {
    expect(foundByRegion(stats, meta, "420000")).toEqual([
      { code: "420100", name: "武汉市", replied: 4, found: 2, rate: "50.0%", measures: 3 },
      { code: "420200", name: "黄石市", replied: 2, found: 2, rate: "100.0%", measures: 1 },
    ]);
  });
  test("a city lists its counties, most replied first", () => {
    expect(foundByRegion(stats, meta, "420100").map((r) => [r.name, r.rate])).toEqual([
      ["武昌区", "66.7%"],
      ["黄石港区", "100.0%"],
      ["洪山区", "0.0%"],
    ]);
  });
});
