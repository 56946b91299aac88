import { mount } from "@vue/test-utils";
import { describe, expect, test } from "vitest";
import type { UploadItem } from "../composables/uploadQueue";
import EvidenceQueue from "./EvidenceQueue.vue";

function item(id: number, status: UploadItem["status"], extra: Partial<UploadItem> = {}): UploadItem {
  return {
    id,
    name: `照片${id}.jpg`,
    type: "image/jpeg",
    size: 2 * 1024 * 1024,
    status,
    progress: status === "done" ? 100 : 40,
    key: status === "done" ? `uploads/${id}.jpg` : null,
    message: status === "failed" ? "上传失败,请重试" : "",
    preview: null,
    ...extra,
  };
}

describe("EvidenceQueue", () => {
  test("each file shows its own progress and state", () => {
    const wrapper = mount(EvidenceQueue, { props: { items: [item(1, "done"), item(2, "uploading")] } });
    const rows = wrapper.findAll('[data-test="upload-item"]');
    expect(rows.map((r) => r.attributes("data-status"))).toEqual(["done", "uploading"]);
    expect(rows[0].text()).toContain("已上传");
    expect(rows[1].find('[role="progressbar"]').attributes("aria-valuenow")).toBe("40");
    expect(rows[1].text()).toContain("2.0M");
  });

  test("only a failed file offers 重试, and it names that file", async () => {
    const wrapper = mount(EvidenceQueue, { props: { items: [item(1, "done"), item(2, "failed")] } });
    const retries = wrapper.findAll('[data-test="upload-retry"]');
    expect(retries).toHaveLength(1);
    expect(wrapper.findAll('[data-test="upload-item"]')[1].text()).toContain("上传失败,请重试");
    await retries[0].trigger("click");
    expect(wrapper.emitted("retry")).toEqual([[2]]);
  });

  test("删除 is labelled with the file and removes that one", async () => {
    const wrapper = mount(EvidenceQueue, { props: { items: [item(1, "done"), item(2, "done")] } });
    const remove = wrapper.findAll('[data-test="upload-remove"]')[1];
    expect(remove.attributes("aria-label")).toBe("删除 照片2.jpg");
    await remove.trigger("click");
    expect(wrapper.emitted("remove")).toEqual([[2]]);
  });

  test("while the report is being sent nothing can be retried or removed", () => {
    const wrapper = mount(EvidenceQueue, { props: { items: [item(1, "failed")], disabled: true } });
    for (const button of wrapper.findAll("button")) expect(button.attributes("disabled")).toBeDefined();
  });
});
