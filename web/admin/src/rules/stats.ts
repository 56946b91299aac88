// The dashboard's figures from /v1/staff/stats: shares, per-region rows for drill-down.
import type { Schemas } from "@suishoupai/api";
import { cityOf, type Meta, regionName } from "../composables/useMeta";

type Stats = Schemas["StaffStats"];

/** `92.5%`, or `—` with nothing to measure. */
export function share(good: number, bad: number): string {
  const all = good + bad;
  return all === 0 ? "—" : `${((good / all) * 100).toFixed(1)}%`;
}

/**
 * Reports per region one level below `region`: cities under the province, counties under a city.
 * Counties are what the API counts; a province's figures are summed per city.
 */
export function byRegion(stats: Stats, meta: Meta | null, region: string): { code: string; name: string; count: number }[] {
  const province = meta?.regions.province.code === region;
  const rows = new Map<string, number>();
  for (const [county, count] of Object.entries(stats.by_county)) {
    const code = province ? (cityOf(meta, county)?.code ?? county) : county;
    rows.set(code, (rows.get(code) ?? 0) + count);
  }
  return [...rows.entries()]
    .map(([code, count]) => ({ code, name: regionName(meta, code), count }))
    .sort((a, b) => b.count - a.count);
}

export interface FoundRow {
  code: string;
  name: string;
  replied: number;
  found: number;
  /** 查实率 as shown: `66.7%`, or `—` without replies. */
  rate: string;
  measures: number;
}

/**
 * 查实 per region one level below `region`, as `byRegion` groups: replied reports, those
 * substantiated in whole or part, 查实率 and the measures taken; most replied first.
 */
export function foundByRegion(stats: Stats, meta: Meta | null, region: string): FoundRow[] {
  const province = meta?.regions.province.code === region;
  const rows = new Map<string, { replied: number; found: number; measures: number }>();
  for (const [county, count] of Object.entries(stats.found_by_county)) {
    const code = province ? (cityOf(meta, county)?.code ?? county) : county;
    const row = rows.get(code) ?? { replied: 0, found: 0, measures: 0 };
    rows.set(code, { replied: row.replied + count.replied, found: row.found + count.found, measures: row.measures + count.measures });
  }
  return [...rows.entries()]
    .map(([code, r]) => ({ code, name: regionName(meta, code), ...r, rate: share(r.found, r.replied - r.found) }))
    .sort((a, b) => b.replied - a.replied || a.code.localeCompare(b.code));
}
