// The host app's handoff, on this page: the token taken out of the URL (whatever form the host
// used) and kept for the tab; a different person's token is kept only once the citizen agrees.
import { acceptHandoff } from "./token";

/** Keeps `token` for this tab, asking first when it names someone else than the one signed in. */
export function receiveToken(token: string): Promise<boolean> {
  return acceptHandoff(window.sessionStorage, token, (signedIn, handed) =>
    showConfirmDialog({
      title: "切换用户",
      message: `本页面已由${signedIn}登录,链接中的身份是${handed}。是否切换为${handed}?`,
      confirmButtonText: "切换",
      cancelButtonText: `继续使用${signedIn}`,
    }).then(
      () => true,
      () => false,
    ),
  );
}
