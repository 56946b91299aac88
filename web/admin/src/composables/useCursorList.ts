// A list read page by page with the API's opaque cursor: no total, so "加载更多", not a pager.
import { toMessage } from "@suishoupai/api";
import { ref, shallowRef, type Ref } from "vue";

export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

export function useCursorList<T>(fetchPage: (cursor: string | null) => Promise<{ data?: Page<T>; error?: unknown }>) {
  const items = shallowRef<T[]>([]) as Ref<T[]>;
  const loading = ref(false);
  const finished = ref(false);
  const error = ref<string | null>(null);
  let cursor: string | null = null;
  let generation = 0;

  async function loadMore() {
    if (loading.value || finished.value) return;
    loading.value = true;
    const mine = generation;
    const { data, error: failure } = await fetchPage(cursor);
    if (mine !== generation) return; // a reset came while this page was on its way
    loading.value = false;
    if (!data) {
      error.value = toMessage(failure);
      return;
    }
    error.value = null;
    items.value = [...items.value, ...data.items];
    cursor = data.next_cursor ?? null;
    finished.value = !cursor;
  }

  async function reset() {
    generation += 1;
    cursor = null;
    items.value = [];
    finished.value = false;
    loading.value = false;
    await loadMore();
  }

  return { items, loading, finished, error, loadMore, reset };
}
