// 处理措施 in words, as 详情 and 公开详情 show them beside the finding.
export interface MeasureLike {
  text: string;
}

/** "责令停止违规培训;责令退费3000元"; 无 when none were taken; 未记录 for replies from before. */
export function measuresText(measures: MeasureLike[] | null): string {
  if (measures === null) return "未记录";
  return measures.length ? measures.map((m) => m.text).join(";") : "无";
}
