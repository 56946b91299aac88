// Which actions the signed-in person may take on a report in its current state: the same rules
// as the API's (shared/src/domain/actions.rs and report.rs), so only what would succeed is offered.
import type { Schemas } from "@suishoupai/api";

export type ActionName = Schemas["ActionForm"]["action"];
type Profile = Pick<Schemas["StaffProfile"], "role" | "agency">;
type Detail = Pick<
  Schemas["StaffDetail"],
  "status" | "agency" | "public" | "published" | "dissatisfied" | "reopens_by_rating_left" | "awaiting_reporter"
> & {
  reporter: { phone_revealed: boolean };
};

export const ACTION_LABELS: Record<ActionName, string> = {
  accept: "签收",
  reply: "回复",
  transfer: "转办",
  publish: "公开",
  unpublish: "取消公开",
  note: "备注",
  urge: "督办",
  reveal_contact: "查看联系方式",
  reopen: "退回重办",
  order_redo: "督导重办",
  follow_up: "回访",
  close: "办结说明",
  link_institution: "关联机构",
  ask: "补充材料",
  withdraw_question: "撤回补充请求",
};

export function availableActions(profile: Profile, report: Detail): ActionName[] {
  const supervisor = profile.role === "city" || profile.role === "province";
  const ownAgency = profile.role === "handler" && profile.agency?.id === report.agency.id;
  const open = report.status !== "replied";
  const replied = report.status === "replied";
  // 不满意 as the API says it: the current round rated 1–2★, neither sent back nor closed.
  const { dissatisfied } = report;
  // While a question waits for the reporter, neither a reply nor a hand-on: withdraw it first.
  const waiting = report.awaiting_reporter;
  const allowed: [ActionName, boolean][] = [
    ["accept", ownAgency && report.status === "pending"],
    ["reply", ownAgency && report.status === "processing" && !waiting],
    ["ask", ownAgency && report.status === "processing" && !waiting],
    ["withdraw_question", ownAgency && waiting],
    ["transfer", (ownAgency || supervisor) && open && !waiting],
    ["publish", (ownAgency || supervisor) && report.status === "replied" && report.public && !report.published],
    ["unpublish", (ownAgency || supervisor) && report.published],
    ["urge", supervisor && open],
    ["reopen", (ownAgency || supervisor) && dissatisfied && report.reopens_by_rating_left > 0],
    ["order_redo", supervisor && replied],
    ["close", supervisor && dissatisfied],
    ["follow_up", (ownAgency || supervisor) && replied],
    ["note", true],
    ["link_institution", ownAgency || supervisor],
    ["reveal_contact", !report.reporter.phone_revealed],
  ];
  return allowed.filter(([, ok]) => ok).map(([name]) => name);
}
