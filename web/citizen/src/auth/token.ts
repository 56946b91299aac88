// The citizen's identity is the province identity provider's token, handed over by the host app
// (鄂汇办 APP, its WeChat and Alipay mini-programs): the host opens the H5 with
// `#access_token=<JWT>` in the URL fragment (never the query: fragments stay out of server and CDN
// logs). The page keeps it for this tab only and removes it from the address bar.
const KEY = "suishoupai.citizen-token";

/** A JWT's claims, unverified (the API verifies them); an empty object if they cannot be read. */
function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split(".")[1];
  if (!payload) return {};
  try {
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === "object" ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Seconds since the epoch at which a JWT expires, or null if it cannot be read. */
export function expiryOf(jwt: string): number | null {
  const exp = claimsOf(jwt).exp;
  return typeof exp === "number" ? exp : null;
}

/** Who a token names: its subject and its name, masked as the platform masks names (张*). */
export function personOf(jwt: string): { sub: string | null; maskedName: string } {
  const { sub, name } = claimsOf(jwt);
  const text = typeof name === "string" ? name.trim() : "";
  const maskedName = text ? `${[...text][0]}${"*".repeat(Math.max(1, [...text].length - 1))}` : "当前用户";
  return { sub: typeof sub === "string" ? sub : null, maskedName };
}

/**
 * Keeps a handed-over token for this tab. A token of someone else than the one signed in here is
 * kept only if `ask` says so: a link carrying another person's token must not silently turn this
 * page into theirs (their reports would then land in the other's 我的投诉).
 */
export async function acceptHandoff(
  storage: Storage,
  token: string,
  ask: (signedIn: string, handed: string) => Promise<boolean>,
): Promise<boolean> {
  const current = currentToken(storage);
  if (current && current !== token) {
    const [signedIn, handed] = [personOf(current), personOf(token)];
    if (signedIn.sub !== handed.sub && !(await ask(signedIn.maskedName, handed.maskedName))) return false;
  }
  storeToken(storage, token);
  return true;
}

/**
 * Takes a handed-over token out of the URL, in any of the forms a host may use (`#access_token=`,
 * `#/route?access_token=`, or the query before the fragment), and returns the URL without it.
 */
export function takeHandoff(href: string): { token: string | null; cleaned: string } {
  const url = new URL(href);
  let token: string | null = null;
  const inQuery = url.searchParams.get("access_token");
  if (inQuery) {
    token = inQuery;
    url.searchParams.delete("access_token");
  }
  // The fragment is a route and its query (`/home?…`), or the bare `access_token=…`.
  const fragment = url.hash.slice(1);
  const at = fragment.indexOf("?");
  let route = at >= 0 ? fragment.slice(0, at) : fragment;
  let query = at >= 0 ? fragment.slice(at + 1) : "";
  if (route.includes("access_token=")) [route, query] = ["", [route, query].filter(Boolean).join("&")];
  const params = new URLSearchParams(query);
  const inFragment = params.get("access_token");
  if (inFragment) {
    token = inFragment;
    params.delete("access_token");
    const rest = params.toString();
    url.hash = route + (rest ? `?${rest}` : "");
  }
  return token ? { token, cleaned: url.toString() } : { token: null, cleaned: href };
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
