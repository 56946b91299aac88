// The device's position, asked for only when the citizen acts (使用当前位置, 定位): asking on load
// would put a permission prompt before anything is read.
import { ref } from "vue";
import { nearestCounty } from "../rules/nearest";
import type { Meta } from "./useMeta";

export type Place = { city: string; county: string };
export type Located = Place | { failed: string };

/** The device's position within a few seconds, or why there is none (in words). */
function position(timeoutMs = 8000): Promise<{ lat: number; lng: number } | string> {
  if (!("geolocation" in navigator)) return Promise.resolve("当前环境不支持定位");
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve("定位超时"), timeoutMs + 500);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        clearTimeout(timer);
        resolve({ lat: p.coords.latitude, lng: p.coords.longitude });
      },
      (error) => {
        clearTimeout(timer);
        resolve(error.code === error.PERMISSION_DENIED ? "未获得定位权限" : "暂时无法获取位置");
      },
      { enableHighAccuracy: false, timeout: timeoutMs, maximumAge: 10 * 60 * 1000 },
    );
  });
}

/** The county nearest to the device, or a sentence saying why it could not be found. */
export async function locate(meta: Meta): Promise<Located> {
  const where = await position();
  if (typeof where === "string") return { failed: `${where},请手动选择` };
  const place = nearestCounty(where, meta.regions.cities);
  return place ?? { failed: `当前位置不在${meta.regions.province.name}范围内,请手动选择` };
}

/**
 * A 使用当前位置 / 定位 button's behaviour: one request at a time (`locating` drives its spinner),
 * the reason in a toast when there is no place, else `found` with the county and its city.
 */
export function useLocate() {
  const locating = ref(false);
  async function locateThen(meta: Meta | null, found: (place: Place) => void | Promise<void>) {
    if (!meta || locating.value) return;
    locating.value = true;
    try {
      const place = await locate(meta);
      if ("failed" in place) showToast(place.failed);
      else await found(place);
    } finally {
      locating.value = false;
    }
  }
  return { locating, locateThen };
}
