// Where the API lives and how citizens sign in: config.json beside the page, written at
// publication (scripts/build-citizen-h5); scripts/local serves its own, naming itself and its
// stand-in for the host's sign-in.
import { isHook, type SignInHook } from "./auth/signIn";

export interface SiteConfig {
  /** The API's origin. */
  api_url: string;
  /** The public reads' origin (the stack's PublicApiUrl: the CDN); absent, `api_url`. */
  public_api_url?: string;
  /** The host app's sign-in (docs/mini-program.md); absent: the page says where to sign in. */
  sign_in: SignInHook | null;
}

let loaded: SiteConfig = { api_url: "", sign_in: null };

export async function loadConfig(): Promise<SiteConfig> {
  const response = await fetch("config.json", { cache: "no-cache" });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  const config = (await response.json()) as { api_url?: unknown; public_api_url?: unknown; sign_in?: unknown };
  if (typeof config.api_url !== "string" || !config.api_url) throw new Error("config.json lacks api_url");
  if (config.sign_in !== undefined && config.sign_in !== null && !isHook(config.sign_in)) throw new Error("config.json: sign_in is not a hook");
  if (config.public_api_url !== undefined && typeof config.public_api_url !== "string") throw new Error("config.json: public_api_url is not a URL");
  loaded = {
    api_url: config.api_url,
    public_api_url: (config.public_api_url as string | undefined) || undefined,
    sign_in: (config.sign_in as SignInHook | undefined) ?? null,
  };
  return loaded;
}

/** The configuration read at start. */
export function siteConfig(): SiteConfig {
  return loaded;
}
