// Where the API lives. A deployed H5 reads config.json beside it (written at publication); the
// local demo build talks to scripts/local on its own origin.
export interface SiteConfig {
  /** The API's origin; empty means the page's own origin. */
  api_url: string;
}

export const isDemoBuild = import.meta.env.MODE === "demo";

export async function loadConfig(): Promise<SiteConfig> {
  if (isDemoBuild) return { api_url: "" };
  const response = await fetch("config.json", { cache: "no-cache" });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  const config = (await response.json()) as SiteConfig;
  if (!config.api_url) throw new Error("config.json lacks api_url");
  return config;
}
