// 处理措施 in words, as both sites show them beside a reply's finding.
import type { components } from "./schema";

/** "责令停止违规培训;责令退费3000元"; 无 when none were taken; 未记录 for replies from before. */
export function measuresText(measures: components["schemas"]["Measures"]): string {
  if (measures === null) return "未记录";
  return measures.length ? measures.map((m) => m.text).join(";") : "无";
}
