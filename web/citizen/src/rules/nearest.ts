// The board's default city: the nearest city seat to the device, else the city chosen last, else
// the province capital. Distances on the sphere; no map service is asked.
import seatsFile from "../data/hubei-city-seats.json";

export interface Seat {
  code: string;
  name: string;
  lat: number;
  lng: number;
}

export const SEATS: Seat[] = seatsFile.seats;
export const CAPITAL: string = seatsFile.capital;

/** Beyond this a device is not in the province (or its fix is useless): fall back. */
export const MAX_DISTANCE_KM = 300;

const EARTH_KM = 6371;
const rad = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle distance (haversine) in kilometres. */
export function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The code of the nearest seat within MAX_DISTANCE_KM, or null. */
export function nearestCity(position: { lat: number; lng: number }, seats: Seat[] = SEATS): string | null {
  let best: { code: string; km: number } | null = null;
  for (const seat of seats) {
    const km = distanceKm(position, seat);
    if (!best || km < best.km) best = { code: seat.code, km };
  }
  return best && best.km <= MAX_DISTANCE_KM ? best.code : null;
}

/** The city to show first, given what is known. `known` is the set of cities the API serves. */
export function defaultCity(
  position: { lat: number; lng: number } | null,
  lastChosen: string | null,
  known: string[],
): string {
  const near = position ? nearestCity(position) : null;
  if (near && known.includes(near)) return near;
  if (lastChosen && known.includes(lastChosen)) return lastChosen;
  return known.includes(CAPITAL) ? CAPITAL : (known[0] ?? CAPITAL);
}
