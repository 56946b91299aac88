import { beforeEach, describe, expect, it } from "vitest";
import { ELDER_SCALE, applyTextSize, fontSizeIn, hostScale, isElder, setElder, startTextSize } from "./textSize";

describe("text size", () => {
  beforeEach(() => {
    window.localStorage.clear();
    document.documentElement.removeAttribute("style");
    document.documentElement.className = "";
  });
  const scale = () => document.documentElement.style.getPropertyValue("--h5-scale");

  it("reads the host's font size from the route's query or the page's", () => {
    expect(fontSizeIn("https://h5.example.gov.cn/h5/#/home?access_token=x&font_size=20")).toBe(20);
    expect(fontSizeIn("https://h5.example.gov.cn/h5/?font_size=24#/home")).toBe(24);
    expect(fontSizeIn("https://h5.example.gov.cn/h5/#/home")).toBeNull();
  });

  it("scales by the host's size over 16 px, between 1 and 2", () => {
    expect(hostScale(20)).toBe(1.25);
    expect(hostScale(12)).toBe(1);
    expect(hostScale(40)).toBe(2);
    expect(hostScale(Number.NaN)).toBe(1);
  });

  it("keeps the host's size for the device and applies the larger of it and 长辈版", () => {
    startTextSize("https://h5.example.gov.cn/h5/#/home?font_size=20", document.documentElement, window.localStorage);
    expect(scale()).toBe("1.25");
    applyTextSize(document.documentElement, window.localStorage);
    expect(scale()).toBe("1.25");
    setElder(true, document.documentElement, window.localStorage);
    expect(scale()).toBe("1.25");
    expect(document.documentElement.classList.contains("elder")).toBe(true);
  });

  it("turns 长辈版 on and off, persisted", () => {
    setElder(true, document.documentElement, window.localStorage);
    expect(isElder(window.localStorage)).toBe(true);
    expect(scale()).toBe(String(ELDER_SCALE));
    setElder(false, document.documentElement, window.localStorage);
    expect(isElder(window.localStorage)).toBe(false);
    expect(scale()).toBe("1");
    expect(document.documentElement.classList.contains("elder")).toBe(false);
  });
});
