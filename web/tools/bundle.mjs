// Reading a production build (vite build --manifest) for the sites' build checks: demo traces,
// and the gzipped weight of a screen's first load (its chunks, what they import statically, their CSS).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

export function readBuild(dist) {
  const manifest = JSON.parse(readFileSync(join(dist, ".vite/manifest.json"), "utf8"));
  const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

  /** A chunk's keys with everything it imports statically. */
  function closure(keys, seen = new Set()) {
    for (const key of keys) {
      if (seen.has(key)) continue;
      seen.add(key);
      closure(manifest[key].imports ?? [], seen);
    }
    return seen;
  }

  return {
    manifest,
    entry: Object.keys(manifest).find((k) => manifest[k].isEntry),
    /** The manifest key of a source file, by the end of its path. */
    find(suffix) {
      const key = Object.keys(manifest).find((k) => k.endsWith(suffix));
      if (!key) throw new Error(`${suffix} is not in the build`);
      return key;
    },
    /** Gzipped JS and CSS of these chunks and everything they import statically. */
    weigh(keys) {
      let js = 0;
      let css = 0;
      const files = [];
      for (const key of closure(keys)) {
        const chunk = manifest[key];
        js += gz(chunk.file);
        files.push(chunk.file);
        for (const sheet of chunk.css ?? []) css += gz(sheet);
      }
      return { js, css, total: js + css, files };
    },
    /** Each built asset that contains one of `traces`, as "file contains "trace"". */
    traces(traces) {
      const found = [];
      for (const file of readdirSync(join(dist, "assets"))) {
        const text = readFileSync(join(dist, "assets", file), "utf8");
        for (const trace of traces) if (text.includes(trace)) found.push(`${file} contains "${trace}"`);
      }
      return found;
    },
    text: (file) => readFileSync(join(dist, file), "utf8"),
  };
}
