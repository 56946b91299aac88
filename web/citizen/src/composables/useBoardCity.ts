// The city whose board is shown: the last one chosen, else the capital; 定位 picks the city of the
// nearest county seat on request.
import { ref } from "vue";
import { defaultCity } from "../rules/nearest";
import type { Meta } from "./useMeta";

const LAST_CITY = "suishoupai.board-city";
const city = ref("");
const cityName = ref("");

export function useBoardCity() {
  function nameOf(meta: Meta, code: string) {
    return meta.regions.cities.find((c) => c.code === code)?.name ?? "";
  }
  function resolve(meta: Meta) {
    if (city.value) return;
    const known = meta.regions.cities.map((c) => c.code);
    city.value = defaultCity(window.localStorage.getItem(LAST_CITY), meta.site.capital, known);
    cityName.value = nameOf(meta, city.value);
  }
  function choose(meta: Meta, code: string) {
    city.value = code;
    cityName.value = nameOf(meta, code);
    window.localStorage.setItem(LAST_CITY, code);
  }
  return { city, cityName, resolve, choose };
}
