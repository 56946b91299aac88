// The one API client of the site, created at start-up once config.json is read.
import { createApi, type Api } from "@suishoupai/api";

let client: Api | null = null;

export function initApi(baseUrl: string, token: () => Promise<string | null>, onUnauthorized: () => void): Api {
  client = createApi({ baseUrl, token, onUnauthorized });
  return client;
}

export function api(): Api {
  if (!client) throw new Error("initApi must run before the API is used");
  return client;
}
