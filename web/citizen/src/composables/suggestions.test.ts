import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createSuggestions, type Suggestion } from "./suggestions";

const named = (name: string): Suggestion => ({ id: name, name });

describe("registry suggestions", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("asks once typing pauses, with the county and the trimmed text", async () => {
    const find = vi.fn(async () => [named("启智教育")]);
    const s = createSuggestions(find, 250);
    s.ask("420106", "启");
    s.ask("420106", " 启智 ");
    await vi.advanceTimersByTimeAsync(249);
    expect(find).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(find).toHaveBeenCalledExactlyOnceWith("420106", "启智");
    expect(s.items.value).toEqual([named("启智教育")]);
  });

  it("asks nothing without a county or a text, and shows only the latest answer", async () => {
    let answer: (found: Suggestion[]) => void = () => {};
    const find = vi.fn(() => new Promise<Suggestion[]>((resolve) => (answer = resolve)));
    const s = createSuggestions(find, 10);
    s.ask("", "启智");
    s.ask("420106", "   ");
    await vi.advanceTimersByTimeAsync(20);
    expect(find).not.toHaveBeenCalled();
    s.ask("420106", "启");
    await vi.advanceTimersByTimeAsync(10);
    const slow = answer;
    s.ask("420106", "博学");
    await vi.advanceTimersByTimeAsync(10);
    answer([named("博学文化")]);
    slow([named("启智教育")]);
    await vi.runAllTimersAsync();
    expect(s.items.value).toEqual([named("博学文化")]);
    s.clear();
    expect(s.items.value).toEqual([]);
  });

  it("shows none when the registry cannot be reached", async () => {
    const s = createSuggestions(() => Promise.reject(new TypeError("offline")), 10);
    s.ask("420106", "启智");
    await vi.runAllTimersAsync();
    expect(s.items.value).toEqual([]);
  });
});
