import { describe, expect, test, vi } from "vitest";
import { apiBase, createApi, isPlatformAnswer, isPublicPath, toMessage } from "./index";

function recorder(status = 200, body: unknown = { items: [], next_cursor: null }) {
  const seen: Request[] = [];
  const fetch = vi.fn(async (request: Request) => {
    seen.push(request);
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  });
  return { seen, fetch: fetch as unknown as typeof globalThis.fetch };
}

describe("the API client", () => {
  test("sends the token to secured routes and none to public ones", async () => {
    const { seen, fetch } = recorder();
    const api = createApi({ baseUrl: "http://api.test", token: () => "t-1", fetch });
    await api.GET("/v1/staff/reports", { params: { query: { status: "pending" } } });
    await api.GET("/v1/public/reports", { params: { query: { city: "420100" } } });
    expect(seen[0].headers.get("authorization")).toBe("Bearer t-1");
    expect(seen[0].url).toBe("http://api.test/v1/staff/reports?status=pending");
    expect(seen[1].headers.get("authorization")).toBeNull();
  });

  test("public reads go to the CDN when there is one, secured routes to the API", async () => {
    const { seen, fetch } = recorder();
    const api = createApi({ baseUrl: "https://api.test", publicBaseUrl: "https://cdn.test", token: () => "t-1", fetch });
    await api.GET("/v1/public/reports", { params: { query: { city: "420100" } } });
    await api.GET("/v1/meta");
    await api.GET("/v1/me/reports");
    expect(seen.map((r) => r.url)).toEqual([
      "https://cdn.test/v1/public/reports?city=420100",
      "https://cdn.test/v1/meta",
      "https://api.test/v1/me/reports",
    ]);
    expect(seen[0].headers.get("authorization")).toBeNull();
    expect(seen[2].headers.get("authorization")).toBe("Bearer t-1");
  });

  test("a 401 on a secured route ends the session; the typed error carries the message", async () => {
    const { fetch } = recorder(401, { code: "unauthorized", message: "请先登录" });
    const onUnauthorized = vi.fn();
    const api = createApi({ baseUrl: "http://api.test", token: async () => "expired", onUnauthorized, fetch });
    const { data, error } = await api.GET("/v1/staff/me");
    expect(data).toBeUndefined();
    expect(error?.code).toBe("unauthorized");
    expect(toMessage(error)).toBe("请先登录");
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  test("path parameters are filled in", async () => {
    const { seen, fetch } = recorder();
    const api = createApi({ baseUrl: "http://api.test", token: () => null, fetch });
    await api.POST("/v1/staff/reports/{serial}/actions", {
      params: { path: { serial: "221215164056656" } },
      body: { action: "accept", version: 1 },
    });
    expect(new URL(seen[0].url).pathname).toBe("/v1/staff/reports/221215164056656/actions");
    expect(await seen[0].json()).toEqual({ action: "accept", version: 1 });
  });

  test("public paths", () => {
    expect(isPublicPath("/v1/meta")).toBe(true);
    expect(isPublicPath("/v1/public/reports/{serial}")).toBe(true);
    expect(isPublicPath("/v1/staff/stats")).toBe(false);
  });

  test("messages: the API's Chinese text, else a Chinese fallback", () => {
    expect(toMessage({ code: "x", message: "举报对象不能为空" })).toBe("举报对象不能为空");
    expect(toMessage(new TypeError("Failed to fetch"))).toBe("网络连接失败,请检查网络后重试");
    expect(toMessage({ message: "internal" })).toBe("操作失败,请稍后重试");
  });

  test("a gateway's throttle and a server failure say so; the platform's own message wins", () => {
    // API Gateway's throttle: 429 with its own English body, no code.
    const throttle = { message: "Too Many Requests" };
    expect(isPlatformAnswer(throttle)).toBe(false);
    expect(toMessage(throttle, 429)).toBe("当前访问人数较多,请稍后再试");
    const quota = { code: "too_many_requests", message: "每人每天最多提交20条举报,请明天再试" };
    expect(isPlatformAnswer(quota)).toBe(true);
    expect(toMessage(quota, 429)).toBe("每人每天最多提交20条举报,请明天再试");
    expect(toMessage({ message: "Internal Server Error" }, 502)).toBe("系统繁忙,请稍后再试");
  });
});

describe("apiBase", () => {
  test("takes config.json's api_url without trailing slashes, else the site's origin", () => {
    expect(apiBase("https://api.example.gov.cn/", "https://h5.example.gov.cn")).toBe("https://api.example.gov.cn");
    expect(apiBase("", "http://127.0.0.1:3000")).toBe("http://127.0.0.1:3000");
  });
});
