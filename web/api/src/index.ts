// The typed client of the Suishoupai API, generated from api/openapi.yaml (`npm run generate`).
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type { paths, components };
export type Schemas = components["schemas"];
export type ApiError = Schemas["Error"];

export interface ApiOptions {
  /** The API's origin, e.g. https://api.example.gov.cn; empty for the same origin. */
  baseUrl: string;
  /** The public reads' origin: the CDN in front of the public API (the stack's PublicApiUrl);
   * absent, they go to `baseUrl` too. */
  publicBaseUrl?: string;
  /** The bearer token for a secured route, or null when signed out. */
  token: () => string | null | Promise<string | null>;
  /** Called once a secured route answers 401: the session is over. */
  onUnauthorized?: () => void;
  fetch?: typeof globalThis.fetch;
}

/** The API's base URL for a site's client: its config.json's `api_url`, or the site's own origin. */
export function apiBase(apiUrl: string, origin: string): string {
  return (apiUrl || origin).replace(/\/+$/, "");
}

/** Routes anyone may call: no token is sent to them. */
export function isPublicPath(path: string): boolean {
  return path === "/v1/meta" || path.startsWith("/v1/public/");
}

export function createApi(options: ApiOptions) {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    fetch: options.fetch ?? ((request: Request) => globalThis.fetch(request)),
  });
  const auth: Middleware = {
    async onRequest({ request, schemaPath }) {
      if (isPublicPath(schemaPath)) return options.publicBaseUrl ? rebased(request, options.publicBaseUrl) : request;
      const token = await options.token();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
    onResponse({ response, schemaPath }) {
      if (response.status === 401 && !isPublicPath(schemaPath)) options.onUnauthorized?.();
      return response;
    },
  };
  client.use(auth);
  return client;
}

/** `request` sent to the origin of `base` instead, path and query kept. */
function rebased(request: Request, base: string): Request {
  const url = new URL(request.url);
  const target = new URL(base);
  url.protocol = target.protocol;
  url.host = target.host;
  return new Request(url, request);
}

export type Api = ReturnType<typeof createApi>;

export { isPlatformAnswer, toMessage } from "./messages";
export { useCursorList, type Page, type PageAnswer } from "./cursorList";
export { shortFingerprint } from "./fingerprint";
export { measuresText } from "./measures";
