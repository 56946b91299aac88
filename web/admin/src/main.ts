import "element-plus/theme-chalk/el-message.css";
import "element-plus/theme-chalk/el-message-box.css";
import "./style.css";
import { createApp } from "vue";
import App from "./App.vue";
import { initApi } from "./api";
import { apiBase } from "@suishoupai/api";
import { isLocalBuild, loadConfig } from "./config";
import { router } from "./router";
import { useAuthenticator, useSession } from "./composables/useSession";
import type { Authenticator } from "./auth/types";

async function start() {
  const app = createApp(App);
  const session = useSession();
  const config = await loadConfig();
  const base = apiBase(config.api_url, window.location.origin);
  const toSignIn = (returnTo: string) => void router.replace({ name: "login", query: { redirect: returnTo, expired: "1" } });
  let auth: Authenticator;
  let landing: string | null = null;
  if (isLocalBuild) {
    const { createDevAuth } = await import("./auth/dev");
    auth = createDevAuth(base, (returnTo) => void router.replace(returnTo));
  } else {
    const { createOidc } = await import("./auth/oidc");
    const oidc = createOidc(config);
    landing = await oidc.completeSignIn();
    auth = oidc;
  }
  useAuthenticator(auth);
  initApi(base, () => auth.token(), () => {
    session.expire();
    toSignIn(router.currentRoute.value.fullPath);
  });
  app.use(router);
  if (landing) await router.replace(landing);
  app.mount("#app");
}

start().catch((error) => {
  console.error(error);
  document.body.textContent = "管理端配置有误,请联系系统管理员。";
});
