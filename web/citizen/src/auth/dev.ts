// Demo builds only (scripts/local): a demo citizen signs in with a token from the local server's
// /dev/token, standing in for the host app's handoff. Only `isDemoBuild` branches import this file,
// so production builds leave it out (checked on the built files).
import { storeToken } from "./token";

export const DEMO_CITIZENS = [
  { label: "演示用户 张三", claims: { sub: "h5-demo-zhangsan", name: "张三", phone: "13812341234" } },
  { label: "演示用户 李四", claims: { sub: "h5-demo-lisi", name: "李四", phone: "13912345678" } },
];

export async function demoSignIn(baseUrl: string, claims: (typeof DEMO_CITIZENS)[number]["claims"]): Promise<void> {
  const response = await fetch(`${baseUrl}/dev/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ role: "citizen", ...claims }),
  });
  if (!response.ok) throw new Error(`/dev/token: ${response.status}`);
  const { token } = (await response.json()) as { token: string };
  storeToken(window.sessionStorage, token);
}
