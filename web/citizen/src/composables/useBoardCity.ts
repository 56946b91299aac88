// The city whose board is shown: nearest to the device, else the last one chosen, else the capital.
import { ref } from "vue";
import { defaultCity } from "../rules/nearest";
import type { Meta } from "./useMeta";

const LAST_CITY = "suishoupai.board-city";
const city = ref("");
const cityName = ref("");
let resolved = false;

/** The device's position if it gives one within a few seconds; null otherwise. */
function position(timeoutMs = 4000): Promise<{ lat: number; lng: number } | null> {
  if (!("geolocation" in navigator)) return Promise.resolve(null);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs + 500);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        clearTimeout(timer);
        resolve({ lat: p.coords.latitude, lng: p.coords.longitude });
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
      { enableHighAccuracy: false, timeout: timeoutMs, maximumAge: 10 * 60 * 1000 },
    );
  });
}

export function useBoardCity() {
  function nameOf(meta: Meta, code: string) {
    return meta.regions.cities.find((c) => c.code === code)?.name ?? "";
  }
  async function resolve(meta: Meta) {
    if (resolved) return;
    const known = meta.regions.cities.map((c) => c.code);
    city.value = defaultCity(await position(), window.localStorage.getItem(LAST_CITY), known);
    cityName.value = nameOf(meta, city.value);
    resolved = true;
  }
  function choose(meta: Meta, code: string) {
    city.value = code;
    cityName.value = nameOf(meta, code);
    window.localStorage.setItem(LAST_CITY, code);
  }
  return { city, cityName, resolve, choose };
}
