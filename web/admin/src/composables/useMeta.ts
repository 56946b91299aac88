// The catalog (regions, categories, violation types, statuses) from GET /v1/meta, read once.
import type { Schemas } from "@suishoupai/api";
import { shallowRef } from "vue";
import { api } from "../api";

export type Meta = Schemas["Meta"];
type City = Meta["regions"]["cities"][number];

const meta = shallowRef<Meta | null>(null);
let loading: Promise<Meta | null> | null = null;

export function useMeta() {
  if (!loading) {
    loading = api()
      .GET("/v1/meta")
      .then(({ data }) => {
        meta.value = data ?? null;
        if (!data) loading = null;
        return meta.value;
      });
  }
  return { meta, ready: loading };
}

/** The name of any region code: province, city or county. */
export function regionName(meta: Meta | null, code: string): string {
  if (!meta) return code;
  if (meta.regions.province.code === code) return meta.regions.province.name;
  for (const city of meta.regions.cities) {
    if (city.code === code) return city.name;
    const county = city.counties.find((c) => c.code === code);
    if (county) return county.name;
  }
  return code;
}

/** The city a region lies in (a city is its own). */
export function cityOf(meta: Meta | null, code: string): City | undefined {
  return meta?.regions.cities.find((c) => c.code === code || c.counties.some((k) => k.code === code));
}

/** The counties within a region: all of a province's, a city's own, or the county itself. */
export function countiesWithin(meta: Meta | null, region: string): { code: string; name: string }[] {
  if (!meta) return [];
  if (meta.regions.province.code === region) return meta.regions.cities.flatMap((c) => c.counties);
  const city = meta.regions.cities.find((c) => c.code === region);
  if (city) return city.counties;
  const home = cityOf(meta, region);
  return home?.counties.filter((c) => c.code === region) ?? [];
}
