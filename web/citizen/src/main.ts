import "./style.css";
import { createApp } from "vue";
import App from "./App.vue";
import { initApi } from "./api";
import { receiveToken } from "./auth/handoff";
import { currentToken, forgetToken, takeHandoff } from "./auth/token";
import { apiBase } from "@suishoupai/api";
import { nameVantDialogs } from "./a11y";
import { loadConfig } from "./config";
import { makeRouter } from "./router";
import { startTextSize } from "./textSize";

async function start() {
  // Before anything can open a dialog (the handoff may ask who is to be signed in).
  nameVantDialogs();
  startTextSize(window.location.href, document.documentElement, window.localStorage);
  // The host app's handoff (#access_token=…) is taken before the router reads the hash.
  const { token, cleaned } = takeHandoff(window.location.href);
  if (token) {
    window.history.replaceState(null, "", cleaned);
    await receiveToken(token);
  }
  const router = makeRouter();
  const config = await loadConfig();
  const onUnauthorized = () => {
    forgetToken(window.sessionStorage);
    const from = router.currentRoute.value;
    if (from.name !== "sign-in") void router.replace({ name: "sign-in", query: { redirect: from.fullPath, expired: "1" } });
  };
  // Public reads (the notice, the board) through the CDN when the deployment has one.
  const publicBase = config.public_api_url ? apiBase(config.public_api_url, window.location.origin) : undefined;
  initApi(apiBase(config.api_url, window.location.origin), () => currentToken(window.sessionStorage), onUnauthorized, publicBase);
  const app = createApp(App);
  app.use(router);
  app.mount("#app");
}

start().catch((error) => {
  console.error(error);
  document.body.textContent = "页面配置有误,请稍后再试。";
});
