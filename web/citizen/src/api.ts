// The one API client of the H5, created at start-up once config.json is read.
import { createApi, type Api } from "@suishoupai/api";

let client: Api | null = null;
let base = "";

export function initApi(
  baseUrl: string,
  token: () => string | null,
  onUnauthorized: () => void,
  publicBaseUrl?: string,
): Api {
  base = baseUrl;
  client = createApi({ baseUrl, publicBaseUrl, token, onUnauthorized });
  return client;
}

export function api(): Api {
  if (!client) throw new Error("initApi must run before the API is used");
  return client;
}

export function apiBaseUrl(): string {
  return base;
}
