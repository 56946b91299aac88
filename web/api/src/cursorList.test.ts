import { describe, expect, test } from "vitest";
import { useCursorList, type PageAnswer } from "./cursorList";

const PAGES: Record<string, { items: number[]; next_cursor: string | null }> = {
  "": { items: [1, 2], next_cursor: "b" },
  b: { items: [3], next_cursor: null },
};

function pages() {
  const asked: (string | null)[] = [];
  const list = useCursorList<number>(async (cursor) => {
    asked.push(cursor);
    return { data: PAGES[cursor ?? ""] };
  });
  return { asked, list };
}

describe("useCursorList", () => {
  test("follows the cursor to the end and asks no more", async () => {
    const { asked, list } = pages();
    await list.loadMore();
    await list.loadMore();
    await list.loadMore();
    expect(list.items.value).toEqual([1, 2, 3]);
    expect(list.finished.value).toBe(true);
    expect(asked).toEqual([null, "b"]);
  });

  test("a reset starts over from the first page and loads it", async () => {
    const { list } = pages();
    await list.loadMore();
    await list.loadMore();
    await list.reset();
    expect(list.items.value).toEqual([1, 2]);
    expect(list.finished.value).toBe(false);
  });

  test("loads when van-list has already set loading before asking", async () => {
    const { list } = pages();
    list.loading.value = true;
    await list.loadMore();
    expect(list.items.value).toEqual([1, 2]);
    expect(list.loading.value).toBe(false);
  });

  test("a page asked for twice at once is read once", async () => {
    const { asked, list } = pages();
    await Promise.all([list.loadMore(), list.loadMore()]);
    expect(asked).toEqual([null]);
  });

  test("an error answer keeps what was loaded and says why in Chinese", async () => {
    const list = useCursorList<number>(async () => ({ error: { code: "x", message: "请求过于频繁" } }));
    await list.reset();
    expect(list.items.value).toEqual([]);
    expect(list.error.value).toBe("请求过于频繁");
    expect(list.failed.value).toBe(true);
    expect(list.finished.value).toBe(false);
  });

  test("a failed request reads as a network failure, and van-list's retry clears it", async () => {
    let fail = true;
    const list = useCursorList<number>(async (): Promise<PageAnswer<number>> => {
      if (fail) throw new TypeError("Failed to fetch");
      return { data: { items: [7], next_cursor: null } };
    });
    await list.loadMore();
    expect(list.error.value).toBe("网络连接失败,请检查网络后重试");
    fail = false;
    list.failed.value = false;
    expect(list.error.value).toBeNull();
    await list.loadMore();
    expect(list.items.value).toEqual([7]);
  });

  test("a page that arrives after a reset is dropped", async () => {
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const list = useCursorList<string>(async () => {
      calls += 1;
      if (calls === 1) {
        await slow;
        return { data: { items: ["old"], next_cursor: null } };
      }
      return { data: { items: ["new"], next_cursor: null } };
    });
    const first = list.loadMore();
    await list.reset();
    release();
    await first;
    expect(list.items.value).toEqual(["new"]);
  });
});
