// The report form's own checks (the API checks again), so a citizen sees a missing field at once,
// next to it, in the form's words.
import type { Schemas } from "@suishoupai/api";

export type Limits = Schemas["Meta"]["limits"];

export interface DraftFields {
  target: string;
  city: string;
  county: string;
  address: string;
  category: string;
  violation_types: string[];
  content: string;
  public: boolean;
  /** The registry institution chosen from the suggestions, and its name as chosen; empty for none. */
  institution_id: string;
  institution_name: string;
}

export type FieldErrors = Partial<Record<keyof DraftFields | "evidence", string>>;

export function emptyFields(): DraftFields {
  return {
    target: "",
    city: "",
    county: "",
    address: "",
    category: "",
    violation_types: [],
    content: "",
    public: false,
    institution_id: "",
    institution_name: "",
  };
}

const chars = (text: string) => [...text.trim()].length;

export function checkFields(fields: DraftFields, limits: Limits): FieldErrors {
  const errors: FieldErrors = {};
  const text = (name: "target" | "address" | "content", label: string, max: number) => {
    if (!chars(fields[name])) errors[name] = `请填写${label}`;
    else if (chars(fields[name]) > max) errors[name] = `${label}不能超过${max}个字`;
  };
  text("target", "举报对象", limits.target_max_chars);
  if (!fields.city) errors.city = "请选择违规培训所在地市";
  if (!fields.county) errors.county = "请选择违规培训所在区县";
  text("address", "详细地址", limits.address_max_chars);
  if (!fields.category) errors.category = "请选择所属分类";
  if (!fields.violation_types.length) errors.violation_types = "请选择违规类型";
  text("content", "举报内容", limits.content_max_chars);
  return errors;
}

/** The form field an API error names (`violation_types[1]` → violation_types, `evidence.keys[0]` → evidence). */
export function fieldOf(apiField: string | undefined): keyof FieldErrors | null {
  if (!apiField) return null;
  // The chosen institution is shown with the target it named.
  if (apiField === "institution_id") return "target";
  const head = apiField.split(/[.[]/)[0] as keyof FieldErrors;
  const known: (keyof FieldErrors)[] = ["target", "city", "county", "address", "category", "violation_types", "content", "public", "evidence"];
  return known.includes(head) ? head : null;
}
