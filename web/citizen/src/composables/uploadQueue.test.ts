import { describe, expect, it } from "vitest";
import { createUploadQueue, type Slot, type Transport } from "./uploadQueue";

const file = (name: string, size = 1000, type = "image/jpeg") => new File([new Uint8Array(size)], name, { type });

function slot(key: string, expiresInMs = 15 * 60_000, now = Date.now()): Slot {
  return {
    key,
    url: `https://s3/${key}`,
    method: "PUT",
    headers: { "content-type": "image/jpeg", "content-length": "1000" },
    post: { url: "https://s3/", fields: { key } as Slot["post"]["fields"] },
    expires_at: new Date(now + expiresInMs).toISOString(),
  };
}

/** A transport whose sends fail for the names listed in `failing` until they are removed. */
function fake(failing = new Set<string>()) {
  const slotsAsked: string[] = [];
  const sent: string[] = [];
  let n = 0;
  const transport: Transport = {
    async requestSlot(_kind, f) {
      slotsAsked.push((f as File).name);
      return slot(`uploads/k${++n}.jpg`);
    },
    async send(s, f, onProgress) {
      onProgress(0.5);
      if (failing.has(f.name)) throw new Error("网络中断,上传失败");
      onProgress(1);
      sent.push(`${f.name}→${s.key}`);
    },
  };
  return { transport, slotsAsked, sent, failing };
}

describe("the upload queue", () => {
  it("uploads each file with its own slot and reports it done with its key", async () => {
    const { transport, sent } = fake();
    const queue = createUploadQueue(transport);
    await queue.add("image", [file("a.jpg"), file("b.jpg")]);
    expect(queue.items.map((i) => [i.name, i.status, i.progress])).toEqual([
      ["a.jpg", "done", 100],
      ["b.jpg", "done", 100],
    ]);
    expect(queue.uploaded.value.map((u) => u.key)).toEqual(["uploads/k1.jpg", "uploads/k2.jpg"]);
    expect(sent).toHaveLength(2);
    expect(queue.busy.value).toBe(false);
  });

  it("keeps a failed file apart and retries it alone, with the slot it already has", async () => {
    const { transport, slotsAsked, sent, failing } = fake(new Set(["b.jpg"]));
    const queue = createUploadQueue(transport);
    await queue.add("image", [file("a.jpg"), file("b.jpg")]);
    const failed = queue.items.find((i) => i.name === "b.jpg")!;
    expect(failed.status).toBe("failed");
    expect(failed.message).toBe("网络中断,上传失败");
    expect(queue.failed.value).toBe(true);
    expect(queue.uploaded.value).toHaveLength(1);

    failing.clear();
    await queue.retry(failed.id, "image");
    expect(queue.items.every((i) => i.status === "done")).toBe(true);
    expect(slotsAsked).toEqual(["a.jpg", "b.jpg"]);
    expect(sent.filter((s) => s.startsWith("a.jpg"))).toHaveLength(1);
  });

  it("asks for a fresh slot when the old one is about to expire", async () => {
    let now = Date.now();
    const asked: string[] = [];
    let fail = true;
    const queue = createUploadQueue(
      {
        async requestSlot() {
          asked.push("slot");
          return slot(`uploads/k${asked.length}.jpg`, 15 * 60_000, now);
        },
        async send() {
          if (fail) throw new Error("x");
        },
      },
      () => now,
    );
    await queue.add("image", [file("a.jpg")]);
    fail = false;
    now += 15 * 60_000;
    await queue.retry(queue.items[0]!.id, "image");
    expect(asked).toHaveLength(2);
    expect(queue.uploaded.value[0]!.key).toBe("uploads/k2.jpg");
  });

  it("shows progress while a file is on its way", async () => {
    let release!: () => void;
    const queue = createUploadQueue({
      async requestSlot() {
        return slot("uploads/k.jpg");
      },
      send(_s, _f, onProgress) {
        onProgress(0.42);
        return new Promise((resolve) => (release = resolve));
      },
    });
    const done = queue.add("image", [file("a.jpg")]);
    await new Promise((r) => setTimeout(r, 0));
    expect(queue.items[0]!.progress).toBe(42);
    expect(queue.busy.value).toBe(true);
    release();
    await done;
    expect(queue.items[0]!.status).toBe("done");
  });

  it("forgets a removed file and restores the files of a saved draft", async () => {
    const { transport } = fake();
    const queue = createUploadQueue(transport);
    await queue.add("image", [file("a.jpg")]);
    queue.remove(queue.items[0]!.id);
    expect(queue.items).toHaveLength(0);
    queue.restore([{ key: "uploads/x.jpg", name: "x.jpg", type: "image/jpeg", size: 5 }]);
    expect(queue.uploaded.value).toEqual([{ key: "uploads/x.jpg", name: "x.jpg", type: "image/jpeg", size: 5 }]);
  });
});
