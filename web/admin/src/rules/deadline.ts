// How the time left to a report's current deadline reads in the queue and the detail.
import type { Schemas } from "@suishoupai/api";

type Item = Pick<Schemas["StaffListItem"], "due" | "overdue"> & Partial<Pick<Schemas["StaffListItem"], "awaiting_reporter">>;

export type DueLevel = "none" | "ok" | "soon" | "overdue";

export interface DueDisplay {
  text: string;
  level: DueLevel;
}

const STEP: Record<"sign" | "reply", string> = { sign: "签收", reply: "回复" };

/** Amber at one working day or less, red (and flagged) once overdue. */
export function dueDisplay(item: Item): DueDisplay {
  const due = item.due;
  if (!due) return { text: "已办结", level: "none" };
  // 补充材料: the reply clock stands still until the reporter answers (or the limit passes).
  if (item.awaiting_reporter) return { text: "等待举报人补充,回复计时暂停", level: "none" };
  const shown = plainDue(due, item.overdue);
  // Counted while a year's holidays were missing: recounted once the province enters them.
  const years = due.counted_without ?? [];
  return years.length ? { ...shown, text: `${shown.text}(未计${years.join("、")}年节假日,待重算)` } : shown;
}

function plainDue(due: NonNullable<Item["due"]>, overdue: boolean): DueDisplay {
  const step = STEP[due.kind];
  const left = due.working_days_left;
  if (overdue || left < 0) {
    const days = Math.max(1, -left);
    return { text: `${step}已超期 ${days} 个工作日`, level: "overdue" };
  }
  if (left === 0) return { text: `${step}今日到期`, level: "soon" };
  return { text: `${step}剩余 ${left} 个工作日`, level: left <= 1 ? "soon" : "ok" };
}

/** Element Plus tag type per level. */
export function dueTagType(level: DueLevel): "info" | "success" | "warning" | "danger" {
  return ({ none: "info", ok: "success", soon: "warning", overdue: "danger" } as const)[level];
}
