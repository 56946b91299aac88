// A read a page shows: whether it is loading, the API's words when it failed (the page offers
// 重试), and what it answered.
import { toMessage } from "@suishoupai/api";
import { ref, shallowRef } from "vue";

export function useLoad<T>(read: () => Promise<{ data?: T; error?: unknown }>) {
  const data = shallowRef<T | null>(null);
  const loading = ref(false);
  const error = ref("");

  async function load() {
    loading.value = true;
    error.value = "";
    const answer = await read();
    loading.value = false;
    if (answer.data === undefined) {
      error.value = toMessage(answer.error);
      return;
    }
    data.value = answer.data;
  }

  return { data, loading, error, load };
}
