import { describe, expect, it } from "vitest";
import { measuresText } from "./measures";

const measure = (text: string) => ({ code: "stop" as const, name: text, amount: null, to: null, text });

describe("measures in words", () => {
  it("joins what was taken, says 无 when nothing was and 未记录 for replies from before", () => {
    expect(measuresText([measure("责令停止违规培训"), measure("责令退费3000元")])).toBe("责令停止违规培训;责令退费3000元");
    expect(measuresText([])).toBe("无");
    expect(measuresText(null)).toBe("未记录");
  });
});
