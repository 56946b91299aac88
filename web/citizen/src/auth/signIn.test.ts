import { describe, expect, it, vi } from "vitest";
import { fill, isHook, returnUrlFor, startSignIn } from "./signIn";

const BACK = "https://h5.example.gov.cn/h5/#/report";

/** A window with only what the hooks touch. */
function fakeWindow(extra: Record<string, unknown> = {}) {
  const win = { location: { assign: vi.fn() }, opener: null, ...extra } as Record<string, unknown>;
  win.parent = win;
  return win as unknown as Window & { location: { assign: ReturnType<typeof vi.fn> } };
}

describe("the host's sign-in hook", () => {
  it("returns to the page's route, without any token or query", () => {
    expect(returnUrlFor("https://h5.example.gov.cn/h5/?access_token=x#/mine/1?access_token=y", "/report")).toBe(BACK);
  });

  it("fills {return}, URL-encoded, into every string", () => {
    expect(fill({ url: "/pages/login/index?return={return}", n: 1, list: ["{return}"] }, BACK)).toEqual({
      url: `/pages/login/index?return=${encodeURIComponent(BACK)}`,
      n: 1,
      list: [encodeURIComponent(BACK)],
    });
  });

  it("opens a URL hook with the return address", () => {
    const win = fakeWindow();
    expect(startSignIn({ kind: "url", url: "https://login.example.gov.cn/?service={return}" }, BACK, win)).toBe(true);
    expect(win.location.assign).toHaveBeenCalledWith(`https://login.example.gov.cn/?service=${encodeURIComponent(BACK)}`);
  });

  it("calls a bridge function on its owner (wx.miniProgram.navigateTo), and says when there is none", () => {
    const navigateTo = vi.fn();
    const miniProgram = { navigateTo };
    const win = fakeWindow({ wx: { miniProgram } });
    const hook = { kind: "bridge" as const, function: "wx.miniProgram.navigateTo", argument: { url: "/pages/login/index?return={return}" } };
    expect(startSignIn(hook, BACK, win)).toBe(true);
    expect(navigateTo).toHaveBeenCalledWith({ url: `/pages/login/index?return=${encodeURIComponent(BACK)}` });
    expect(navigateTo.mock.contexts[0]).toBe(miniProgram);
    // Opened outside the host: no bridge, so the page says where to sign in instead.
    expect(startSignIn(hook, BACK, fakeWindow())).toBe(false);
  });

  it("posts a message to the framing page's origin, and not when there is no frame", () => {
    const postMessage = vi.fn();
    const win = fakeWindow();
    (win as unknown as Record<string, unknown>).parent = { postMessage };
    const hook = { kind: "post_message" as const, target: "parent" as const, origin: "https://portal.example.gov.cn", message: { type: "sign-in", return: "{return}" } };
    expect(startSignIn(hook, BACK, win)).toBe(true);
    expect(postMessage).toHaveBeenCalledWith({ type: "sign-in", return: encodeURIComponent(BACK) }, "https://portal.example.gov.cn");
    expect(startSignIn(hook, BACK, fakeWindow())).toBe(false);
  });

  it("accepts only hooks it can use", () => {
    expect(isHook({ kind: "url", url: "https://login.example.gov.cn/?service={return}" })).toBe(true);
    expect(isHook({ kind: "url", url: "https://login.example.gov.cn/" })).toBe(false); // no way back
    expect(isHook({ kind: "bridge", function: "my.navigateTo", argument: {} })).toBe(true);
    expect(isHook({ kind: "bridge", function: "alert('x')", argument: {} })).toBe(false);
    expect(isHook({ kind: "post_message", target: "parent", origin: "*", message: {} })).toBe(false);
    expect(isHook({ kind: "popup" })).toBe(false);
    expect(isHook(null)).toBe(false);
  });
});
