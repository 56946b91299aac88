// The evidence upload queue: each file is uploaded as soon as it is chosen, straight to S3 with
// the POST form the API signs for it, with its own progress; a failed file is retried on its own
// (with a fresh form if its form has expired). The transport is injected, so tests need no network.
import type { Schemas } from "@suishoupai/api";
import { computed, reactive } from "vue";
import type { Kind, Uploaded } from "../rules/evidence";

export type Slot = Schemas["Uploads"]["uploads"][number];

export interface Transport {
  /** Asks the API for one file's upload (POST /v1/uploads). */
  requestSlot(kind: Kind, file: { type: string; size: number }): Promise<Slot>;
  /** Sends the file with the slot's POST form; reports progress from 0 to 1. */
  send(slot: Slot, file: File, onProgress: (fraction: number) => void): Promise<void>;
}

export type UploadStatus = "uploading" | "done" | "failed";

export interface UploadItem {
  id: number;
  name: string;
  type: string;
  size: number;
  status: UploadStatus;
  /** 0–100, for the progress bar. */
  progress: number;
  key: string | null;
  message: string;
  /** An object URL to preview an image chosen in this page (none after a reload). */
  preview: string | null;
}

/** What a draft keeps of a finished upload. */
/** A slot is not reused this close to its expiry: the upload might outlast it. */
const EXPIRY_MARGIN_MS = 60_000;

export function createUploadQueue(transport: Transport, now: () => number = Date.now) {
  const items = reactive<UploadItem[]>([]);
  const files = new Map<number, File>();
  const slots = new Map<number, Slot>();
  let nextId = 1;

  const item = (id: number) => items.find((i) => i.id === id);

  async function run(id: number, kind: Kind) {
    const entry = item(id);
    const file = files.get(id);
    if (!entry || !file) return;
    Object.assign(entry, { status: "uploading", progress: 0, message: "上传中" });
    try {
      let slot = slots.get(id);
      if (!slot || Date.parse(slot.expires_at) - now() < EXPIRY_MARGIN_MS) {
        slot = await transport.requestSlot(kind, file);
        slots.set(id, slot);
      }
      await transport.send(slot, file, (fraction) => {
        const current = item(id);
        if (current) current.progress = Math.min(100, Math.round(fraction * 100));
      });
      const done = item(id);
      if (done) Object.assign(done, { status: "done", progress: 100, key: slot.key, message: "" });
    } catch (error) {
      const failed = item(id);
      if (failed) Object.assign(failed, { status: "failed", message: messageOf(error) });
    }
  }

  return {
    items,
    /** Starts uploading each file; resolves when all of them have finished or failed. */
    add(kind: Kind, chosen: File[]): Promise<void> {
      const runs = chosen.map((file) => {
        const id = nextId++;
        files.set(id, file);
        const preview = file.type.startsWith("image/") && typeof URL.createObjectURL === "function" ? URL.createObjectURL(file) : null;
        items.push({ id, name: file.name, type: file.type, size: file.size, status: "uploading", progress: 0, key: null, message: "上传中", preview });
        return run(id, kind);
      });
      return Promise.all(runs).then(() => undefined);
    },
    /** Uploads one failed file again. */
    retry(id: number, kind: Kind): Promise<void> {
      return run(id, kind);
    },
    remove(id: number) {
      const index = items.findIndex((i) => i.id === id);
      if (index < 0) return;
      const [removed] = items.splice(index, 1);
      if (removed?.preview && typeof URL.revokeObjectURL === "function") URL.revokeObjectURL(removed.preview);
      files.delete(id);
      slots.delete(id);
    },
    /** Files a reloaded draft had already uploaded. */
    restore(uploaded: Uploaded[]) {
      for (const u of uploaded) {
        items.push({ id: nextId++, name: u.name, type: u.type, size: u.size, status: "done", progress: 100, key: u.key, message: "", preview: null });
      }
    },
    clear() {
      for (const i of [...items]) this.remove(i.id);
    },
    uploaded: computed<Uploaded[]>(() =>
      items.filter((i) => i.status === "done" && i.key).map((i) => ({ key: i.key as string, name: i.name, type: i.type, size: i.size })),
    ),
    busy: computed(() => items.some((i) => i.status === "uploading")),
    failed: computed(() => items.some((i) => i.status === "failed")),
  };
}

export type UploadQueue = ReturnType<typeof createUploadQueue>;

function messageOf(error: unknown): string {
  if (error instanceof Error && /[\u4e00-\u9fff]/.test(error.message)) return error.message;
  return "上传失败";
}

/**
 * The browser's sender: a multipart POST of the form's fields and then the file (S3 ignores
 * fields after `file`), through XMLHttpRequest because fetch reports no upload progress.
 */
export function sendWithXhr(slot: Slot, file: File, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(slot.post.fields)) form.append(name, value);
    form.append("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", slot.post.url);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`上传失败(${xhr.status})`)));
    xhr.onerror = () => reject(new Error("网络中断,上传失败"));
    xhr.ontimeout = () => reject(new Error("上传超时"));
    xhr.send(form);
  });
}
