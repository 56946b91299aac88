// A cursor-paged list for Vant's van-list: the API gives no total, so pages load as the citizen
// scrolls until next_cursor is null.
import { ref, shallowRef, type Ref } from "vue";

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export function useCursorList<T>(fetchPage: (cursor: string | null) => Promise<Page<T>>) {
  const items = shallowRef<T[]>([]) as Ref<T[]>;
  const loading = ref(false);
  const finished = ref(false);
  const error = ref(false);
  let cursor: string | null = null;
  let generation = 0;

  async function loadMore() {
    const mine = generation;
    loading.value = true;
    error.value = false;
    try {
      const page = await fetchPage(cursor);
      if (mine !== generation) return;
      items.value = [...items.value, ...page.items];
      cursor = page.next_cursor;
      finished.value = cursor === null;
    } catch {
      if (mine === generation) error.value = true;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  function reset() {
    generation += 1;
    items.value = [];
    cursor = null;
    finished.value = false;
    error.value = false;
    loading.value = false;
  }

  return { items, loading, finished, error, loadMore, reset };
}
