// 查看原件: a short link to a sealed original of a report (file `n`, numbered as the API numbers
// them: the report's own, then the reporter's answers'). Each link is a custody entry, so the
// caller reads the detail again (`looked`); a refusal is said in words.
import { toMessage } from "@suishoupai/api";
import { ElMessage } from "element-plus";
import { ref } from "vue";
import { api } from "../api";

export function useOriginal(serial: () => string, looked: () => void) {
  /** The file whose link is being asked for. */
  const opening = ref<number | null>(null);

  /** The link to file `n`, or null after saying why there is none. */
  async function link(n: number): Promise<string | null> {
    opening.value = n;
    const { data, error } = await api().POST("/v1/staff/reports/{serial}/evidence/{n}/original", {
      params: { path: { serial: serial(), n: String(n) } },
    });
    opening.value = null;
    if (!data) {
      ElMessage.error(`原件获取失败:${toMessage(error)}`);
      return null;
    }
    looked();
    return data.url;
  }

  return { opening, link };
}
