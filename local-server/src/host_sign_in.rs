//! The host app's sign-in, as the local demo stands it in: the H5's `config.json` (served here,
//! as publication writes it) names `/dev/host-sign-in?return={return}` as its sign-in hook, and
//! this page signs a demo citizen in with a `/dev/token` token and hands it back to the return
//! address the way a host does (`#/route?access_token=`). Only addresses of this origin's H5 are
//! returned to.

use axum::Json;
use axum::response::{Html, IntoResponse, Response};
use http::HeaderMap;
use http::header::HOST;
use serde_json::json;

/// The H5's `config.json`: the API on the origin the page was loaded from (so that a production
/// build runs here too), sign-in through the page below.
pub async fn citizen_config(headers: HeaderMap) -> Response {
    let host = headers.get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    Json(json!({
        "api_url": format!("http://{host}"),
        "sign_in": { "kind": "url", "url": "/dev/host-sign-in?return={return}" },
    }))
    .into_response()
}

/// The stand-in for the host's 统一身份认证 page.
pub async fn page() -> Html<&'static str> {
    Html(PAGE)
}

const PAGE: &str = r##"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>统一身份认证(本地演示)</title>
<style>
  body { margin: 0; font: 17px/1.6 system-ui, sans-serif; background: #f5f6f8; color: #1f2329; }
  main { max-width: 480px; margin: 0 auto; padding: 24px 16px; }
  h1 { font-size: 22px; margin: 0 0 8px; }
  button { display: block; width: 100%; min-height: 48px; margin: 12px 0; border: 1px solid #1b6fd8;
           border-radius: 24px; background: #fff; color: #1b6fd8; font-size: 17px; }
  [role=alert] { color: #b42318; }
</style>
</head>
<body>
<main>
  <h1>统一身份认证</h1>
  <p>本地演示环境:代替宿主应用的登录页,选择一位演示用户登录后返回随手拍。</p>
  <button type="button" data-sub="h5-demo-zhangsan" data-name="张三" data-phone="13812341234">演示用户 张三</button>
  <button type="button" data-sub="h5-demo-lisi" data-name="李四" data-phone="13912345678">演示用户 李四</button>
  <p id="error" role="alert"></p>
</main>
<script>
  const error = document.getElementById("error");
  const back = (() => {
    const raw = new URLSearchParams(location.search).get("return");
    if (!raw) return null;
    const url = new URL(raw, location.origin);
    return url.origin === location.origin && url.pathname.startsWith("/h5/") ? url : null;
  })();
  if (!back) error.textContent = "返回地址无效,无法返回随手拍";
  for (const button of document.querySelectorAll("button")) {
    button.disabled = !back;
    button.addEventListener("click", async () => {
      const { sub, name, phone } = button.dataset;
      const answer = await fetch("/dev/token", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ role: "citizen", sub, name, phone }),
      }).catch(() => null);
      if (!answer || !answer.ok) return void (error.textContent = "登录失败,请重试");
      const { token } = await answer.json();
      const hash = back.hash || "#/home";
      back.hash = hash + (hash.includes("?") ? "&" : "?") + "access_token=" + encodeURIComponent(token);
      location.replace(back.toString());
    });
  }
</script>
</body>
</html>
"##;
