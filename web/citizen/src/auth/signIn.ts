// The host app's sign-in, reached through the hook `config.json` names (docs/mini-program.md):
// a URL to open, a JS-bridge function to call (wx.miniProgram.navigateTo, my.navigateTo, a host
// app's own bridge), or a message to post to the page that frames the H5. Each carries the
// address to come back to, `{return}`, where the host hands the token over as usual.

export type SignInHook =
  | { kind: "url"; url: string }
  | { kind: "bridge"; function: string; argument: unknown }
  | { kind: "post_message"; target: "parent" | "opener"; origin: string; message: unknown };

/** `{return}` in every string of `value` replaced by the return address, URL-encoded. */
export function fill<T>(value: T, returnUrl: string): T {
  const encoded = encodeURIComponent(returnUrl);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return v.replaceAll("{return}", encoded);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** The H5's address at `route` (a hash route such as `/report`), without any token. */
export function returnUrlFor(href: string, route: string): string {
  const url = new URL(href);
  url.search = "";
  url.hash = route.startsWith("/") ? route : `/${route}`;
  return url.toString();
}

/** Whether `hook` is one this page knows how to use (config.json is written by hand). */
export function isHook(value: unknown): value is SignInHook {
  if (!value || typeof value !== "object") return false;
  const hook = value as Record<string, unknown>;
  switch (hook.kind) {
    case "url":
      return typeof hook.url === "string" && hook.url.includes("{return}");
    case "bridge":
      return typeof hook.function === "string" && /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(hook.function);
    case "post_message":
      return (hook.target === "parent" || hook.target === "opener") && typeof hook.origin === "string" && hook.origin !== "*";
    default:
      return false;
  }
}

/**
 * Starts the host's sign-in; false when the hook cannot be used here (the bridge is absent: the
 * page was opened outside the host), so that the page says where to sign in instead.
 */
export function startSignIn(hook: SignInHook, returnUrl: string, win: Window = window): boolean {
  switch (hook.kind) {
    case "url": {
      win.location.assign(fill(hook.url, returnUrl));
      return true;
    }
    case "bridge": {
      const path = hook.function.split(".");
      const name = path.pop()!;
      let owner: unknown = win;
      for (const part of path) owner = owner && (owner as Record<string, unknown>)[part];
      const fn = owner && (owner as Record<string, unknown>)[name];
      if (typeof fn !== "function") return false;
      fn.call(owner, fill(hook.argument, returnUrl));
      return true;
    }
    case "post_message": {
      const target = hook.target === "parent" ? (win.parent !== win ? win.parent : null) : win.opener;
      if (!target) return false;
      (target as Window).postMessage(fill(hook.message, returnUrl), hook.origin);
      return true;
    }
  }
}
