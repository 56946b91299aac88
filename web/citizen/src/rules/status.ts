// Status tags of 我的投诉: 待受理 / 处理中 / 已回复, each in its own colour.
export type TagType = "warning" | "primary" | "success" | "default";

export function statusTag(status: string): TagType {
  switch (status) {
    case "pending":
      return "warning";
    case "processing":
      return "primary";
    case "replied":
      return "success";
    default:
      return "default";
  }
}
