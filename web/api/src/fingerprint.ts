/**
 * A SHA-256 as people compare it by eye: the first 16 hex digits in groups of four
 * (`2cf2 4dba 5fb0 a30e…`). The whole digest is what is copied and checked.
 */
export function shortFingerprint(sha256: string): string {
  const head = sha256.slice(0, 16).match(/.{1,4}/g) ?? [];
  return sha256.length > 16 ? `${head.join(" ")}…` : head.join(" ");
}
