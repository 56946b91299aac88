import { flushPromises, mount } from "@vue/test-utils";
import { beforeEach, describe, expect, test, vi } from "vitest";
import ActionDialog from "./ActionDialog.vue";

const templates = vi.fn(async (_path: string, options: { params: { query: { violation_type: string } } }) => ({
  data: { items: [{ violation_type: options.params.query.violation_type, finding: "substantiated", text: "经核查属实,已责令停止" }] },
}));
// /v1/meta (the findings and measures) answers nothing here: the dialog falls back to the three findings.
const get = vi.fn(async (path: string, options?: { params: { query: { violation_type: string } } }) =>
  path === "/v1/meta" || !options ? { data: null } : templates(path, options),
);
vi.mock("../api", () => ({ api: () => ({ GET: get }) }));

const report = {
  serial: "221215170850330",
  agency: { id: "420106-education", name: "武昌区教育局" },
  violation_types: ["unlicensed", "holiday"],
  public_text: null,
} as never;

async function dialog(action: string | null) {
  const wrapper = mount(ActionDialog, {
    props: { action: action as never, serial: "261125100000001", report, transferTargets: [], busy: false, conflict: null, error: null },
    global: { stubs: { transition: false } },
  });
  await flushPromises();
  return wrapper;
}

describe("ActionDialog", () => {
  beforeEach(() => sessionStorage.clear());

  test("a reply typed before the session expired comes back when the page opens it again", async () => {
    const first = await dialog("reply");
    await first.find('input[type="radio"][value="substantiated"]').setValue(true);
    await first.find("textarea").setValue("经核查属实,已责令停止培训");
    first.unmount(); // the page left for 登录
    const again = await dialog("reply");
    expect((again.find("textarea").element as HTMLTextAreaElement).value).toBe("经核查属实,已责令停止培训");
    await again.findAll("button").find((b) => b.text() === "提交")!.trigger("click");
    expect(again.emitted("submit")).toEqual([[{ finding: "substantiated", text: "经核查属实,已责令停止培训" }]]);
    (again.vm as unknown as { clear: () => void }).clear();
    await flushPromises();
    expect(sessionStorage.length).toBe(0);
  });

  test("a reply sends the finding and the text typed", async () => {
    const wrapper = await dialog("reply");
    await wrapper.find('input[type="radio"][value="partly"]').setValue(true);
    await wrapper.find("textarea").setValue("部分属实,已责令整改");
    await wrapper.findAll("button").find((b) => b.text() === "提交")!.trigger("click");
    expect(wrapper.emitted("submit")).toEqual([[{ finding: "partly", text: "部分属实,已责令整改" }]]);
  });

  test("a reply offers the templates of each of the report's violation types", async () => {
    templates.mockClear();
    const wrapper = await dialog(null);
    await wrapper.setProps({ action: "reply" });
    await flushPromises();
    const asked = templates.mock.calls.map(([, options]) => options.params.query.violation_type);
    expect(asked).toEqual(["unlicensed", "holiday"]);
    expect(wrapper.find('[aria-label="回复模板"]').exists()).toBe(true);
  });

  test("a reply asks for the finding before it offers that finding's templates", async () => {
    const wrapper = await dialog("reply");
    expect(wrapper.text()).toContain("请先选择处理结论");
    await wrapper.find('input[type="radio"][value="substantiated"]').setValue(true);
    await flushPromises();
    expect(wrapper.text()).not.toContain("请先选择处理结论");
  });

  test("what was typed stays when another person acted first", async () => {
    const wrapper = await dialog("note");
    await wrapper.find("textarea").setValue("已电话联系举报人");
    await wrapper.setProps({ conflict: ["状态:待受理 → 处理中"] });
    expect(wrapper.text()).toContain("他人已先处理了该举报件,您输入的内容已保留");
    expect(wrapper.text()).toContain("状态:待受理 → 处理中");
    expect((wrapper.find("textarea").element as HTMLTextAreaElement).value).toBe("已电话联系举报人");
  });

  test("an urge sends its reason", async () => {
    const wrapper = await dialog("urge");
    await wrapper.find("textarea").setValue("请于三日内办结");
    await wrapper.findAll("button").find((b) => b.text() === "提交")!.trigger("click");
    expect(wrapper.emitted("submit")).toEqual([[{ reason: "请于三日内办结" }]]);
  });

  test("an error is shown in words above the form", async () => {
    const wrapper = await dialog("note");
    await wrapper.setProps({ error: "备注内容不能为空" });
    expect(wrapper.find('[role="alert"]').text()).toContain("备注内容不能为空");
  });
});
