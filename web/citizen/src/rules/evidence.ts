// Evidence rules of the manual (图片 ≤ 3 × 60 MB, or 视频 1 × 100 MB, never both), checked on the
// device before anything is uploaded. The limits come from /v1/meta.
import type { Schemas } from "@suishoupai/api";

export type Kind = Schemas["EvidenceKind"];
export type EvidenceRules = Schemas["Meta"]["evidence"];

export interface Candidate {
  name: string;
  type: string;
  size: number;
}

const MB = 1024 * 1024;

export function kindOf(type: string): Kind | null {
  if (type.startsWith("image/")) return "image";
  if (type.startsWith("video/")) return "video";
  return null;
}

/**
 * Why these files may not join the `existing` ones of `kind`, in the manual's words; null if they may.
 * `kind` is the chosen 上传方式; `existingKinds` what is already attached.
 */
export function refusal(rules: EvidenceRules, kind: Kind, existing: Kind[], files: Candidate[]): string | null {
  const rule = rules.kinds.find((k) => k.kind === kind);
  if (!rule) return "不支持的上传方式";
  const label = kind === "image" ? "图片" : "视频";
  for (const file of files) {
    const fileKind = kindOf(file.type);
    if (fileKind && fileKind !== kind) return "举证材料只能选择图片或视频中的一种";
    if (!rule.content_types.includes(file.type)) return `不支持该${label}格式,请选择${formats(rule.content_types)}`;
    if (file.size <= 0) return "文件为空,请重新选择";
    if (file.size > rule.max_bytes) return `${label}大小不能超过${Math.floor(rule.max_bytes / MB)}M`;
  }
  if (existing.some((k) => k !== kind)) return "举证材料只能选择图片或视频中的一种";
  if (existing.length + files.length > rule.max_files) return `${label}最多上传${rule.max_files}${kind === "image" ? "张" : "个"}`;
  return null;
}

function formats(types: string[]): string {
  return types.map((t) => t.split("/")[1]?.toUpperCase() ?? t).join("、");
}

/** A file uploaded to its slot: the key a report cites, and what the citizen chose. */
export interface Uploaded {
  key: string;
  name: string;
  type: string;
  size: number;
}
