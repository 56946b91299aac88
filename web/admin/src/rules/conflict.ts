// After a 409 (someone else acted first): what changed between the version the person saw and now.
import type { Schemas } from "@suishoupai/api";
import { minute } from "./time";

type Detail = Pick<Schemas["StaffDetail"], "version" | "status_name" | "agency" | "published" | "timeline">;

type Actor = Detail["timeline"][number]["actor"];

/** `武昌区教育局 王科员`, `举报人`, or `系统`, from a timeline actor. */
export function actorName(actor: Actor): string {
  if (actor.role === "citizen") return "举报人";
  return [actor.agency_name, actor.name].filter(Boolean).join(" ") || "系统";
}

export function describeChanges(before: Detail, after: Detail): string[] {
  const changes: string[] = [];
  const seen = Math.max(0, ...before.timeline.map((e) => e.seq));
  for (const entry of after.timeline) {
    if (entry.seq > seen) changes.push(`${actorName(entry.actor)} 于 ${minute(entry.at)} ${entry.label}`);
  }
  if (before.status_name !== after.status_name) changes.push(`状态由「${before.status_name}」变为「${after.status_name}」`);
  if (before.agency.id !== after.agency.id) changes.push(`受理机构由「${before.agency.name}」变为「${after.agency.name}」`);
  if (before.published !== after.published) changes.push(after.published ? "已公开展示" : "已取消公开");
  if (changes.length === 0 && after.version !== before.version) changes.push("举报件已更新");
  return changes;
}
