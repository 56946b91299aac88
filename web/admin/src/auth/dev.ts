// Local builds only (scripts/local): demo staff sign in with a token from the local server's
// /dev/token. Nothing imports this file outside `isLocalBuild` branches, so production builds
// leave it out (tested on the built files).
import type { Authenticator } from "./types";

export interface DemoStaff {
  label: string;
  claims: { sub: string; name: string; agency: string; region: string; staff_role: string };
}

export const DEMO_STAFF: DemoStaff[] = [
  {
    label: "武昌区教育局 受理人员 王科员",
    claims: { sub: "demo-wuchang", name: "王科员", agency: "420106-education", region: "420106", staff_role: "handler" },
  },
  {
    label: "洪山区教育局 受理人员 赵科员",
    claims: { sub: "demo-hongshan", name: "赵科员", agency: "420111-education", region: "420111", staff_role: "handler" },
  },
  {
    label: "武汉市 市级督导 李督导",
    claims: { sub: "demo-wuhan", name: "李督导", agency: "", region: "420100", staff_role: "city" },
  },
  {
    label: "湖北省 省级督导 陈督导",
    claims: { sub: "demo-hubei", name: "陈督导", agency: "", region: "420000", staff_role: "province" },
  },
];

const KEY = "suishoupai.dev-token";

export function createDevAuth(baseUrl: string, onSignIn: (returnTo: string) => void): Authenticator & {
  signInAs(staff: DemoStaff, returnTo: string): Promise<void>;
} {
  return {
    async token() {
      const saved = window.sessionStorage.getItem(KEY);
      if (!saved) return null;
      const { token, expires_at } = JSON.parse(saved) as { token: string; expires_at: number };
      return expires_at * 1000 > Date.now() ? token : null;
    },
    async signIn(returnTo) {
      onSignIn(returnTo);
    },
    async signOut() {
      window.sessionStorage.removeItem(KEY);
    },
    async signInAs(staff, returnTo) {
      const response = await fetch(`${baseUrl}/dev/token`, {
        method: "POST",
        body: JSON.stringify({ role: "staff", ...staff.claims }),
      });
      if (!response.ok) throw new Error(`/dev/token: ${response.status}`);
      window.sessionStorage.setItem(KEY, await response.text());
      onSignIn(returnTo);
    },
  };
}
