// The reporter as staff see them: masked (张*, 138****1234) until 查看联系方式, which the API records.
import type { Schemas } from "@suishoupai/api";

type Reporter = Schemas["StaffDetail"]["reporter"];

export function reporterLine(reporter: Reporter): string {
  return `${reporter.name} ${reporter.phone}`;
}

/** True when what the API sent still hides the phone: never show a revealed-looking value by mistake. */
export function isMasked(reporter: Reporter): boolean {
  return !reporter.phone_revealed && reporter.phone.includes("*");
}

export const REVEAL_CONFIRMATION = "查看举报人联系方式将被记录在办理记录中,仅限核查需要时使用。是否继续?";
