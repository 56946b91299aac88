// Where the API and the staff sign-in live. A deployed site reads config.json, written beside it by
// scripts/publish-admin-site from the stack's outputs; the local build talks to scripts/local.

export interface SiteConfig {
  /** The API's origin; empty means the site's own origin. */
  api_url: string;
  /** The OpenID Connect issuer of the staff pool (Cognito, or the province's own in China). */
  staff_issuer?: string;
  client_id?: string;
  /** Cognito's hosted UI domain, whose /logout ends the Cognito session. */
  sign_in_domain?: string | null;
}

export const isLocalBuild = import.meta.env.MODE === "demo";

export async function loadConfig(): Promise<SiteConfig> {
  if (isLocalBuild) return { api_url: "" };
  const response = await fetch("config.json", { cache: "no-cache" });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  const config = (await response.json()) as SiteConfig;
  if (!config.api_url || !config.staff_issuer || !config.client_id) {
    throw new Error("config.json lacks api_url, staff_issuer or client_id");
  }
  return config;
}
