/** `2025-09-29 10:05` from the API's RFC 3339 time (already in +08:00); `—` for none. */
export function minute(at?: string | null): string {
  return at ? at.slice(0, 16).replace("T", " ") : "—";
}
