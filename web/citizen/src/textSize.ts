// How large the H5's text is: 长辈版 (chosen on 首页, kept on the device), or the host's font
// setting passed with the handoff (`font_size`, e.g. WeChat's fontSizeSetting in px), whichever is
// larger; the browser's own text size multiplies both (the root is a percentage of it).
const ELDER = "suishoupai.elder";
const HOST = "suishoupai.host-font-size";

/** 长辈版: body text at 18 px. */
export const ELDER_SCALE = 1.125;

/** The scale a host's font size asks for: size / 16, from 1 to 2; 1 if it is not a size. */
export function hostScale(px: number): number {
  return Number.isFinite(px) && px > 0 ? Math.min(2, Math.max(1, px / 16)) : 1;
}

/** `font_size` of the page's query or its route's query, if the host passed one. */
export function fontSizeIn(href: string): number | null {
  const url = new URL(href);
  const route = url.hash.slice(1);
  const query = route.includes("?") ? route.slice(route.indexOf("?") + 1) : "";
  const value = new URLSearchParams(query).get("font_size") ?? url.searchParams.get("font_size");
  return value === null ? null : Number(value);
}

export function isElder(storage: Storage): boolean {
  return storage.getItem(ELDER) === "1";
}

/** Applies the stored choices to the page (its root's scale and classes). */
export function applyTextSize(root: HTMLElement, storage: Storage) {
  const elder = isElder(storage);
  const scale = Math.max(elder ? ELDER_SCALE : 1, hostScale(Number(storage.getItem(HOST))));
  root.style.setProperty("--h5-scale", String(scale));
  root.classList.toggle("elder", elder);
  // Measured, so that the browser's own enlargement counts too.
  root.classList.toggle("text-large", parseFloat(getComputedStyle(root).fontSize) >= 24);
}

/** Keeps the host's font size (if `href` carries one) and applies everything. */
export function startTextSize(href: string, root: HTMLElement, storage: Storage) {
  const px = fontSizeIn(href);
  if (px !== null && Number.isFinite(px)) storage.setItem(HOST, String(px));
  applyTextSize(root, storage);
}

/** 长辈版 on or off, kept for the device. */
export function setElder(on: boolean, root: HTMLElement, storage: Storage) {
  if (on) storage.setItem(ELDER, "1");
  else storage.removeItem(ELDER);
  applyTextSize(root, storage);
}
