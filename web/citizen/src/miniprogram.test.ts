// The code blocks of docs/mini-program.md, run against a fake `wx`: what mini-program teams copy works.
import { describe, expect, it } from "vitest";
import doc from "../../../docs/mini-program.md?raw";

const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).join("\n");

interface Call {
  api: string;
  options: Record<string, unknown>;
}

/** A fake `wx` whose answers the test scripts, recording every call. */
function fakeWx(answers: { request: (o: Record<string, unknown>) => { statusCode: number; data: unknown } | "fail"; upload?: number | "fail" }) {
  const calls: Call[] = [];
  const progress: ((p: { progress: number }) => void)[] = [];
  const wx = {
    request(options: Record<string, unknown> & { success: (r: unknown) => void; fail: () => void }) {
      calls.push({ api: "request", options });
      const answer = answers.request(options);
      setTimeout(() => (answer === "fail" ? options.fail() : options.success(answer)), 0);
    },
    uploadFile(options: Record<string, unknown> & { success: (r: unknown) => void; fail: () => void }) {
      calls.push({ api: "uploadFile", options });
      setTimeout(() => {
        for (const listener of progress) listener({ progress: 50 });
        for (const listener of progress) listener({ progress: 100 });
        if (answers.upload === "fail") options.fail();
        else options.success({ statusCode: answers.upload ?? 204, data: "" });
      }, 0);
      return { onProgressUpdate: (listener: (p: { progress: number }) => void) => progress.push(listener) };
    },
  };
  return { wx, calls };
}

type Snippets = {
  request: (o: object) => Promise<unknown>;
  uploadEvidence: (o: object) => Promise<string>;
  submitReport: (o: object) => Promise<unknown>;
};

function load(wx: object): Snippets {
  let n = 0;
  const newKey = () => `key-${++n}`;
  return new Function("wx", "newKey", `${blocks}\nreturn { request, uploadEvidence, submitReport };`)(wx, newKey) as Snippets;
}

const slot = {
  key: "uploads/abc/1.jpg",
  post: { url: "https://evidence.s3.cn-north-1.amazonaws.com.cn/", fields: { key: "uploads/abc/1.jpg", "Content-Type": "image/jpeg", policy: "p", "x-amz-signature": "s" } },
};

describe("docs/mini-program.md", () => {
  it("has the three snippets", () => {
    expect(blocks).toContain("function request(");
    expect(blocks).toContain("function uploadEvidence(");
    expect(blocks).toContain("function submitReport(");
  });

  it("uploads with wx.uploadFile and the POST form, reporting progress", async () => {
    const { wx, calls } = fakeWx({ request: () => ({ statusCode: 200, data: { uploads: [slot] } }) });
    const seen: number[] = [];
    const key = await load(wx).uploadEvidence({
      baseUrl: "https://api.example.gov.cn",
      token: "jwt",
      kind: "image",
      file: { path: "wxfile://tmp/1.jpg", size: 1234, type: "image/jpeg" },
      onProgress: (p: number) => seen.push(p),
    });
    expect(key).toBe(slot.key);
    const [ask, upload] = calls;
    expect(ask?.options).toMatchObject({
      url: "https://api.example.gov.cn/v1/uploads",
      method: "POST",
      data: { kind: "image", files: [{ content_type: "image/jpeg", size: 1234 }] },
      header: { Authorization: "Bearer jwt" },
    });
    expect(upload?.options).toMatchObject({ url: slot.post.url, filePath: "wxfile://tmp/1.jpg", name: "file", formData: slot.post.fields });
    expect(seen).toEqual([50, 100]);
  });

  it("reports a refused or dropped upload", async () => {
    const refused = fakeWx({ request: () => ({ statusCode: 200, data: { uploads: [slot] } }), upload: 403 });
    await expect(load(refused.wx).uploadEvidence({ baseUrl: "", token: "t", kind: "image", file: { path: "p", size: 1, type: "image/jpeg" }, onProgress: () => {} })).rejects.toMatchObject({ status: 403 });
    const dropped = fakeWx({ request: () => ({ statusCode: 200, data: { uploads: [slot] } }), upload: "fail" });
    await expect(load(dropped.wx).uploadEvidence({ baseUrl: "", token: "t", kind: "image", file: { path: "p", size: 1, type: "image/jpeg" }, onProgress: () => {} })).rejects.toMatchObject({ status: 0 });
  });

  it("resends the same body with the same key after a lost answer, and changes the key after a refusal", async () => {
    const answers: ({ statusCode: number; data: unknown } | "fail")[] = [
      "fail",
      { statusCode: 201, data: { serial: "261125100000001" } },
      { statusCode: 400, data: { code: "invalid_field", message: "举报对象不能为空", field: "target" } },
    ];
    const { wx, calls } = fakeWx({ request: () => answers.shift() ?? "fail" });
    const snippets = load(wx);
    const draft = { key: "key-0", body: { target: "甲" }, pending: null as object | null };
    await expect(snippets.submitReport({ baseUrl: "", token: "t", draft })).rejects.toMatchObject({ status: 0 });
    draft.body = { target: "edited" };
    await expect(snippets.submitReport({ baseUrl: "", token: "t", draft })).resolves.toMatchObject({ serial: "261125100000001" });
    expect(calls.map((c) => [(c.options.header as Record<string, string>)["Idempotency-Key"], c.options.data])).toEqual([
      ["key-0", { target: "甲" }],
      ["key-0", { target: "甲" }],
    ]);
    await expect(snippets.submitReport({ baseUrl: "", token: "t", draft })).rejects.toMatchObject({ status: 400, field: "target", message: "举报对象不能为空" });
    expect(draft.key).toBe("key-1");
    expect(draft.pending).toBeNull();
  });
});
