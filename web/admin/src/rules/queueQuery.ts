// The queue's filters as the API's query (shared by the list and the CSV export).
import type { Filters } from "../components/ReportFilters.vue";

export function queueQuery(filters: Filters) {
  return {
    status: filters.status,
    county: filters.county ?? "",
    category: (filters.category ?? "") as "" | "academic" | "technology" | "arts" | "sports",
    overdue: filters.overdue ? ("true" as const) : ("" as const),
    dissatisfied: filters.dissatisfied ? ("true" as const) : ("" as const),
    awaiting: filters.awaiting ? ("true" as const) : ("" as const),
    from: filters.dates?.[0] ?? "",
    to: filters.dates?.[1] ?? "",
    institution: filters.institution ?? "",
  };
}
