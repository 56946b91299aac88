// The citizen's identity is the province identity provider's token, handed over by the host app
// (鄂汇办 APP, its WeChat and Alipay mini-programs): the host opens the H5 with
// `#access_token=<JWT>` in the URL fragment (never the query: fragments stay out of server and CDN
// logs). The page keeps it for this tab only and removes it from the address bar.
const KEY = "suishoupai.citizen-token";

/** Seconds since the epoch at which a JWT expires, or null if it cannot be read. */
export function expiryOf(jwt: string): number | null {
  const payload = jwt.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp : null;
  } catch {
    return null;
  }
}

/** Takes a handed-over token out of `location` (hash) and returns the URL without it. */
export function takeHandoff(href: string): { token: string | null; cleaned: string } {
  const url = new URL(href);
  const match = url.hash.match(/[#&?]access_token=([^&]+)/);
  if (!match?.[1]) return { token: null, cleaned: href };
  const token = decodeURIComponent(match[1]);
  const hash = url.hash.replace(/[&?]?access_token=[^&]+/, "").replace(/^#&/, "#").replace(/[?&]$/, "");
  url.hash = hash === "#" ? "" : hash;
  return { token, cleaned: url.toString() };
}

export function storeToken(storage: Storage, token: string) {
  storage.setItem(KEY, token);
}

export function currentToken(storage: Storage, nowSeconds = Date.now() / 1000): string | null {
  const token = storage.getItem(KEY);
  if (!token) return null;
  const exp = expiryOf(token);
  if (exp !== null && exp <= nowSeconds + 5) {
    storage.removeItem(KEY);
    return null;
  }
  return token;
}

export function forgetToken(storage: Storage) {
  storage.removeItem(KEY);
}
