// Registry suggestions while the citizen types the target (GET /v1/public/institutions): names of
// the chosen county's institutions, asked for once typing pauses, and only the latest answer shown.
import { ref } from "vue";

export interface Suggestion {
  id: string;
  name: string;
}

export type Finder = (county: string, q: string) => Promise<Suggestion[]>;

/** Typing pauses this long before the registry is asked. */
export const PAUSE_MS = 250;

export function createSuggestions(find: Finder, pause = PAUSE_MS) {
  const items = ref<Suggestion[]>([]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Every question and every clear moves this on; an answer to an older question is dropped.
  let latest = 0;

  function clear() {
    clearTimeout(timer);
    latest += 1;
    items.value = [];
  }

  function ask(county: string, text: string) {
    clear();
    const q = text.trim();
    if (!county || !q) return;
    const mine = latest;
    timer = setTimeout(async () => {
      let found: Suggestion[] = [];
      try {
        found = await find(county, q);
      } catch {
        // No suggestions is no harm: the citizen's own words still make the report.
      }
      if (mine === latest) items.value = found;
    }, pause);
  }

  return { items, ask, clear };
}
