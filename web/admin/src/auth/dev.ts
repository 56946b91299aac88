// Local builds only (scripts/local): demo staff sign in with a token from the local server's
// /dev/token. Nothing imports this file outside `isLocalBuild` branches, so production builds
// leave it out (tested on the built files).
import type { Authenticator } from "./types";

export interface DemoStaff {
  label: string;
  claims: { sub: string; name: string; agency: string; region: string; staff_role: string };
}

/** The demo staff of the province the local server serves (its /dev/staff). */
export async function demoStaff(baseUrl: string): Promise<DemoStaff[]> {
  const response = await fetch(`${baseUrl}/dev/staff`);
  if (!response.ok) throw new Error(`/dev/staff: ${response.status}`);
  return (await response.json()) as DemoStaff[];
}

const KEY = "suishoupai.dev-token";

export function createDevAuth(baseUrl: string, onSignIn: (returnTo: string) => void): Authenticator & {
  baseUrl: string;
  signInAs(staff: DemoStaff, returnTo: string): Promise<void>;
} {
  return {
    baseUrl,
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
