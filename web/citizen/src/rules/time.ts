// Times as the manual prints them: 2022-12-15 17:08:50 (the API's times are China time, +08:00).
export function second(time: string): string {
  return time.slice(0, 19).replace("T", " ");
}

/** The day of a time: 2022-12-15. */
export function day(time: string): string {
  return time.slice(0, 10);
}
