// A list read page by page with the API's opaque cursor, for both sites: the admin site's
// "加载更多" button and the H5's van-list. The API gives no total, so there is no pager.
import { computed, ref, shallowRef, type Ref } from "vue";
import { toMessage } from "./messages";

export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

/** One page as openapi-fetch answers it: the page, or the error to show. */
export type PageAnswer<T> = { data?: Page<T>; error?: unknown };

export function useCursorList<T>(fetchPage: (cursor: string | null) => Promise<PageAnswer<T>>) {
  const items = shallowRef<T[]>([]) as Ref<T[]>;
  const loading = ref(false);
  const finished = ref(false);
  /** What went wrong, in Chinese; null while all is well. */
  const error = ref<string | null>(null);
  /** `error` as van-list's `v-model:error` takes it: clearing it (its retry) forgets the error. */
  const failed = computed({
    get: () => error.value !== null,
    set: (value: boolean) => {
      if (!value) error.value = null;
    },
  });
  let cursor: string | null = null;
  let generation = 0;
  // Not `loading`: van-list sets that itself before it asks for the next page.
  let inFlight = false;

  async function loadMore() {
    if (inFlight || finished.value) return;
    const mine = generation;
    inFlight = true;
    loading.value = true;
    let answer: PageAnswer<T>;
    try {
      answer = await fetchPage(cursor);
    } catch (failure) {
      answer = { error: failure };
    }
    if (mine !== generation) return; // a reset came while this page was on its way
    inFlight = false;
    loading.value = false;
    if (!answer.data) {
      error.value = toMessage(answer.error);
      return;
    }
    error.value = null;
    items.value = [...items.value, ...answer.data.items];
    cursor = answer.data.next_cursor ?? null;
    finished.value = cursor === null;
  }

  /** Starts again from the first page (new filters, another city, pull to refresh). */
  async function reset() {
    generation += 1;
    inFlight = false;
    cursor = null;
    items.value = [];
    finished.value = false;
    error.value = null;
    await loadMore();
  }

  return { items, loading, finished, error, failed, loadMore, reset };
}
