import { describe, expect, test } from "vitest";
import { useCursorList } from "./useCursorList";

describe("useCursorList", () => {
  test("follows the cursor to the end and starts over on reset", async () => {
    const pages: Record<string, { items: number[]; next_cursor: string | null }> = {
      "": { items: [1, 2], next_cursor: "b" },
      b: { items: [3], next_cursor: null },
    };
    const asked: (string | null)[] = [];
    const list = useCursorList<number>(async (cursor) => {
      asked.push(cursor);
      return { data: pages[cursor ?? ""] };
    });
    await list.reset();
    await list.loadMore();
    expect(list.items.value).toEqual([1, 2, 3]);
    expect(list.finished.value).toBe(true);
    await list.loadMore();
    expect(asked).toEqual([null, "b"]);
    await list.reset();
    expect(list.items.value).toEqual([1, 2]);
  });

  test("an error keeps what was loaded and says why in Chinese", async () => {
    const list = useCursorList<number>(async () => ({ error: { code: "x", message: "请求过于频繁" } }));
    await list.reset();
    expect(list.items.value).toEqual([]);
    expect(list.error.value).toBe("请求过于频繁");
    expect(list.finished.value).toBe(false);
  });
});
