// /v1/meta, read once per page load: regions, categories, violation types, the notice, limits.
import type { Schemas } from "@suishoupai/api";
import { shallowRef } from "vue";
import { api } from "../api";

export type Meta = Schemas["Meta"];

const meta = shallowRef<Meta | null>(null);
let loading: Promise<Meta> | null = null;

export function useMeta() {
  async function load(): Promise<Meta> {
    if (meta.value) return meta.value;
    loading ??= api()
      .GET("/v1/meta")
      .then(({ data, error }) => {
        if (!data) throw error ?? new Error("meta");
        meta.value = data;
        return data;
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  }
  return { meta, load };
}

/** The notice version the citizen agreed to on this device (介绍页 → 阅读并同意). */
export const AGREED_KEY = "suishoupai.agreed-notice";

export function agreedVersion(): string | null {
  return window.localStorage.getItem(AGREED_KEY);
}

export function agree(version: string) {
  window.localStorage.setItem(AGREED_KEY, version);
}
