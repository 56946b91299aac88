// Where the citizen is, in the province's terms: the county whose seat (its people's government,
// from the province's regions file through /v1/meta) is nearest to the device. Distances on the
// sphere; no map service is asked.

export interface Seat {
  lat: number;
  lng: number;
}

/** The part of /v1/meta's regions this needs. */
export interface SeatedCity {
  code: string;
  seat: Seat | null;
  counties: { code: string; seat: Seat | null }[];
}

/** Beyond this from every seat a device is not in the province (or its fix is useless). */
export const MAX_DISTANCE_KM = 100;

const EARTH_KM = 6371;
const rad = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle distance (haversine) in kilometres. */
export function distanceKm(a: Seat, b: Seat): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The county (and its city) whose seat is nearest to `position`, within MAX_DISTANCE_KM; null
 * when none is. A directly administered city is its own county, with its own seat.
 */
export function nearestCounty(position: Seat, cities: SeatedCity[]): { city: string; county: string } | null {
  let best: { city: string; county: string; km: number } | null = null;
  for (const city of cities) {
    for (const county of city.counties) {
      if (!county.seat) continue;
      const km = distanceKm(position, county.seat);
      if (!best || km < best.km) best = { city: city.code, county: county.code, km };
    }
  }
  return best && best.km <= MAX_DISTANCE_KM ? { city: best.city, county: best.county } : null;
}

/** The city the board opens on before anyone asks for the position: the last chosen, else the capital. */
export function defaultCity(lastChosen: string | null, capital: string, known: string[]): string {
  if (lastChosen && known.includes(lastChosen)) return lastChosen;
  return known.includes(capital) ? capital : (known[0] ?? capital);
}
