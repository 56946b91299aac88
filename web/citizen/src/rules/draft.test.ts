import { beforeEach, describe, expect, it } from "vitest";
import { DRAFT_KEY, loadDraft, outcomeOf, saveDraft, submitDraft, type ReportBody, type Sender } from "./draft";

const receipt = (serial: string) => ({
  serial,
  status: "pending" as const,
  status_name: "待受理",
  created_at: "2026-11-25T10:00:00+08:00",
  agency: { id: "420106-education", name: "武昌区教育局" },
});

/** A server that keeps one report per Idempotency-Key, as the API does. */
function server() {
  const reports = new Map<string, { body: ReportBody; serial: string }>();
  const calls: string[] = [];
  const make = (key: string, body: ReportBody) => {
    calls.push(key);
    const first = reports.get(key);
    if (first) return first.serial;
    const serial = String(261125100000000 + reports.size + 1);
    reports.set(key, { body, serial });
    return serial;
  };
  return { reports, calls, make };
}

function filled() {
  const draft = loadDraft(localStorage);
  Object.assign(draft.fields, {
    target: "某某教育",
    city: "420100",
    county: "420106",
    address: "中南路1号",
    category: "academic",
    violation_types: ["unlicensed"],
    content: "周末培训",
  });
  return draft;
}

describe("the idempotent submit", () => {
  beforeEach(() => localStorage.clear());

  it("keeps one key for the draft across reloads", () => {
    const draft = filled();
    saveDraft(localStorage, draft);
    expect(loadDraft(localStorage).idempotencyKey).toBe(draft.idempotencyKey);
    expect(loadDraft(localStorage).fields.target).toBe("某某教育");
  });

  it("a double tap sends the same key and makes one report", async () => {
    const s = server();
    const send: Sender = async (body, key) => ({ outcome: "created", receipt: receipt(s.make(key, body)) });
    const draft = filled();
    const [a, b] = await Promise.all([submitDraft(localStorage, draft, "v1", send), submitDraft(localStorage, draft, "v1", send)]);
    expect(s.calls).toHaveLength(2);
    expect(new Set(s.calls).size).toBe(1);
    expect(s.reports.size).toBe(1);
    expect(a).toEqual(b);
    expect(localStorage.getItem(DRAFT_KEY)).toBeNull();
  });

  it("after a lost answer, the retry sends the same key and body (even after a reload) and makes one report", async () => {
    const s = server();
    let drop = true;
    const send: Sender = async (body, key) => {
      const serial = s.make(key, body);
      if (drop) return { outcome: "unknown" };
      return { outcome: "created", receipt: receipt(serial) };
    };
    const draft = filled();
    expect((await submitDraft(localStorage, draft, "v1", send)).outcome).toBe("unknown");
    const reloaded = loadDraft(localStorage);
    expect(reloaded.pending?.target).toBe("某某教育");
    reloaded.fields.target = "edited while locked";
    drop = false;
    const second = await submitDraft(localStorage, reloaded, "v1", send);
    expect(second.outcome).toBe("created");
    expect(s.reports.size).toBe(1);
    expect([...s.reports.values()][0]!.body.target).toBe("某某教育");
    expect(new Set(s.calls).size).toBe(1);
  });

  it("a refusal unlocks the draft and changes the key (nothing was created under it)", async () => {
    const draft = filled();
    const firstKey = draft.idempotencyKey;
    const send: Sender = async () => ({ outcome: "refused", status: 400, error: { code: "invalid_field", message: "举报对象不能为空", field: "target" } });
    await submitDraft(localStorage, draft, "v1", send);
    const saved = loadDraft(localStorage);
    expect(saved.pending).toBeNull();
    expect(saved.idempotencyKey).not.toBe(firstKey);
    expect(saved.fields.target).toBe("某某教育");
  });

  it("sends the notice version and the evidence keys", async () => {
    let sent: ReportBody | null = null;
    const draft = filled();
    draft.evidence = [{ key: "uploads/a/1.jpg", name: "1.jpg", type: "image/jpeg", size: 3 }];
    await submitDraft(localStorage, draft, "bc23665b8a30", async (body) => {
      sent = body;
      return { outcome: "created", receipt: receipt("261125100000001") };
    });
    expect(sent).toMatchObject({ notice_version: "bc23665b8a30", evidence: { kind: "image", keys: ["uploads/a/1.jpg"] } });
  });

  it("links the chosen institution only while the target is still its name", async () => {
    const sent: ReportBody[] = [];
    const send: Sender = async (body) => {
      sent.push(body);
      return { outcome: "refused", status: 400, error: { code: "x", message: "测试" } };
    };
    const draft = filled();
    Object.assign(draft.fields, { target: "启智教育(演示)", institution_id: "N420106ab", institution_name: "启智教育(演示)" });
    await submitDraft(localStorage, draft, "v1", send);
    draft.fields.target = "启智教育(演示)分校";
    await submitDraft(localStorage, draft, "v1", send);
    expect(sent.map((b) => b.institution_id)).toEqual(["N420106ab", null]);
  });

  it("treats the platform's refusals as final, the gateway's throttle as such, timeouts and server errors as unknown", () => {
    const ours = { code: "invalid_field", message: "举报对象不能为空" };
    for (const status of [400, 403, 409, 413, 422]) expect(outcomeOf(status, ours)).toBe("refused");
    const limit = { code: "too_many_requests", message: "每人每天最多提交20条举报,请明天再试" };
    expect(outcomeOf(429, limit)).toBe("refused");
    expect(outcomeOf(429, { message: "Too Many Requests" })).toBe("throttled");
    for (const status of [408, 500, 502, 503]) expect(outcomeOf(status, { message: "x" })).toBe("unknown");
  });

  it("keeps the draft editable under a new key after the daily limit, and its key after a throttle", async () => {
    const draft = filled();
    const first = draft.idempotencyKey;
    const throttled = await submitDraft(localStorage, draft, "v1", async () => ({ outcome: "throttled" }));
    expect(throttled.outcome).toBe("throttled");
    expect(draft.idempotencyKey).toBe(first);
    expect(draft.pending).not.toBeNull();
    const limit = { code: "too_many_requests", message: "每人每天最多提交20条举报,请明天再试" };
    await submitDraft(localStorage, draft, "v1", async () => ({ outcome: "refused", status: 429, error: limit }));
    expect(draft.pending).toBeNull();
    expect(draft.idempotencyKey).not.toBe(first);
  });
});
