// One explicit route table; every screen is its own lazy chunk, so the first load is 首页 alone.
import { createRouter, createWebHashHistory, type RouteRecordRaw, type Router } from "vue-router";
import { receiveToken } from "./auth/handoff";
import { currentToken } from "./auth/token";

const routes: RouteRecordRaw[] = [
  { path: "/", name: "intro", component: () => import("./views/IntroView.vue"), meta: { title: "违规校外培训随手拍" } },
  { path: "/home", name: "home", component: () => import("./views/HomeView.vue"), meta: { title: "违规校外培训随手拍" } },
  { path: "/report", name: "report", component: () => import("./views/ReportForm.vue"), meta: { title: "线索上报", citizen: true } },
  { path: "/done/:serial", name: "done", component: () => import("./views/SubmitSuccess.vue"), meta: { title: "提交成功", citizen: true } },
  { path: "/mine", name: "mine", component: () => import("./views/MyReports.vue"), meta: { title: "我的投诉", citizen: true } },
  { path: "/mine/:serial", name: "mine-detail", component: () => import("./views/MyReportDetail.vue"), meta: { title: "详情", citizen: true } },
  { path: "/mine/:serial/answer", name: "answer", component: () => import("./views/AnswerQuestion.vue"), meta: { title: "补充材料", citizen: true } },
  { path: "/mine/:serial/rate", name: "rate", component: () => import("./views/RateReport.vue"), meta: { title: "服务评价", citizen: true } },
  { path: "/board", name: "board", component: () => import("./views/PublicBoard.vue"), meta: { title: "处理公开栏" } },
  { path: "/board/:serial", name: "board-detail", component: () => import("./views/PublicDetail.vue"), meta: { title: "公开详情" } },
  { path: "/phones", name: "phones", component: () => import("./views/ContactPhones.vue"), meta: { title: "咨询电话" } },
  { path: "/sign-in", name: "sign-in", component: () => import("./views/SignIn.vue"), meta: { title: "登录" } },
  { path: "/:rest(.*)", redirect: "/" },
];

/**
 * The router, made once the address bar is clean (`main.ts` takes the handoff first): the hash
 * history reads the location when it is made, and would otherwise open the handed-over route.
 */
export function makeRouter(): Router {
  const router = createRouter({ history: createWebHashHistory(), routes });
  guard(router);
  return router;
}

function guard(router: Router) {
  router.beforeEach(async (to) => {
    // `#/route?access_token=…`: the token is kept (or refused) and the route opened without it, the
    // history entry replaced, so that it stays neither in the address bar nor in a `redirect`.
    const handed = to.query.access_token;
    if (typeof handed === "string" && handed) {
      await receiveToken(handed);
      const query = { ...to.query };
      delete query.access_token;
      return { path: to.path, query, hash: to.hash, replace: true };
    }
    if (to.meta.citizen && !currentToken(window.sessionStorage)) {
      return { name: "sign-in", query: { redirect: to.fullPath } };
    }
    return true;
  });

  router.afterEach((to) => {
    document.title = typeof to.meta.title === "string" ? to.meta.title : "违规校外培训随手拍";
  });
}
