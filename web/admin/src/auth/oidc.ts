// Authorization code + PKCE against the staff issuer (Cognito's hosted UI, or the province's own
// OIDC issuer). Tokens live in sessionStorage: closing the browser signs out.
import { UserManager, WebStorageStateStore } from "oidc-client-ts";
import type { SiteConfig } from "../config";
import type { Authenticator } from "./types";

/** The site's root URL: the redirect and sign-out URI registered with the issuer. */
function siteRoot(): string {
  return window.location.origin + window.location.pathname;
}

export function createOidc(config: SiteConfig): Authenticator & { completeSignIn(): Promise<string | null> } {
  const manager = new UserManager({
    authority: config.staff_issuer ?? "",
    client_id: config.client_id ?? "",
    redirect_uri: siteRoot(),
    post_logout_redirect_uri: siteRoot(),
    response_type: "code",
    scope: "openid profile phone",
    automaticSilentRenew: true,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
  return {
    async token() {
      const user = await manager.getUser();
      if (user && !user.expired) return user.id_token ?? null;
      if (user?.refresh_token) {
        const renewed = await manager.signinSilent().catch(() => null);
        return renewed?.id_token ?? null;
      }
      return null;
    },
    async signIn(returnTo) {
      await manager.signinRedirect({ state: { returnTo } });
    },
    async signOut() {
      await manager.removeUser();
      if (config.sign_in_domain) {
        // Cognito's logout endpoint is not in its discovery document.
        const url = new URL("/logout", config.sign_in_domain);
        url.searchParams.set("client_id", config.client_id ?? "");
        url.searchParams.set("logout_uri", siteRoot());
        window.location.assign(url.toString());
      } else {
        await manager.signoutRedirect().catch(() => window.location.reload());
      }
    },
    /** On the way back from the issuer (?code=…&state=…): keeps the tokens, returns the page to open. */
    async completeSignIn() {
      const params = new URLSearchParams(window.location.search);
      if (!params.has("code") || !params.has("state")) return null;
      const user = await manager.signinRedirectCallback();
      window.history.replaceState(null, "", siteRoot());
      const state = user.state as { returnTo?: string } | undefined;
      return state?.returnTo ?? "/reports";
    },
  };
}
