// Hash history: the site is plain files on any static host, with no rewrite rules, and the
// OIDC redirect comes back to the site's root URL.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from "vue-router";
import { useSession } from "../composables/useSession";

const routes: RouteRecordRaw[] = [
  { path: "/login", name: "login", component: () => import("../views/SignIn.vue"), meta: { title: "登录", public: true } },
  {
    path: "/",
    component: () => import("../components/AppLayout.vue"),
    children: [
      { path: "", redirect: "/reports" },
      { path: "reports", name: "reports", component: () => import("../views/ReportList.vue"), meta: { title: "举报件列表" } },
      {
        path: "reports/:serial",
        name: "report",
        component: () => import("../views/ReportDetail.vue"),
        props: true,
        meta: { title: "举报件详情" },
      },
      { path: "stats", name: "stats", component: () => import("../views/StatsDashboard.vue"), meta: { title: "统计" } },
      {
        path: "institutions",
        name: "institutions",
        component: () => import("../views/InstitutionRegistry.vue"),
        meta: { title: "机构名录" },
      },
      { path: "staff", name: "staff", component: () => import("../views/StaffRoster.vue"), meta: { title: "人员管理" } },
      { path: "phones", name: "phones", component: () => import("../views/AgencyPhones.vue"), meta: { title: "机构与电话" } },
      { path: "calendar", name: "calendar", component: () => import("../views/HolidayCalendar.vue"), meta: { title: "节假日" } },
      { path: "audit", name: "audit", component: () => import("../views/AuditLog.vue"), meta: { title: "操作日志" } },
    ],
  },
  { path: "/:pathMatch(.*)*", redirect: "/reports" },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const session = useSession();
  if (await session.restore()) return true;
  return { name: "login", query: { redirect: to.fullPath } };
});

router.afterEach((to) => {
  document.title = `${(to.meta.title as string) ?? ""} · 违规校外培训随手拍管理端`;
});
