// The report draft: kept in local storage until it is submitted, with one Idempotency-Key for
// its whole life. A double tap or a retry after a dropped connection sends the same key and the
// same body, so the API answers the first report again instead of making a second one.
import { isPlatformAnswer, type Schemas } from "@suishoupai/api";
import { emptyFields, type DraftFields } from "./form";
import type { Kind, Uploaded } from "./evidence";

export type ReportBody = Schemas["ReportForm"];
export type Receipt = Schemas["Receipt"];

export interface Draft {
  fields: DraftFields;
  kind: Kind;
  evidence: Uploaded[];
  idempotencyKey: string;
  /** The body last sent under the key whose answer never came: it is sent again, unchanged. */
  pending: ReportBody | null;
}

export const DRAFT_KEY = "suishoupai.draft";

export function newKey(): string {
  return globalThis.crypto.randomUUID();
}

export function newDraft(): Draft {
  return { fields: emptyFields(), kind: "image", evidence: [], idempotencyKey: newKey(), pending: null };
}

export function loadDraft(storage: Storage): Draft {
  try {
    const saved = storage.getItem(DRAFT_KEY);
    if (!saved) return newDraft();
    const draft = JSON.parse(saved) as Partial<Draft>;
    if (!draft.fields || !draft.idempotencyKey) return newDraft();
    return { ...newDraft(), ...draft, fields: { ...emptyFields(), ...draft.fields } };
  } catch {
    return newDraft();
  }
}

export function saveDraft(storage: Storage, draft: Draft) {
  storage.setItem(DRAFT_KEY, JSON.stringify(draft));
}

export function clearDraft(storage: Storage) {
  storage.removeItem(DRAFT_KEY);
}

export function bodyOf(draft: Draft, noticeVersion: string): ReportBody {
  const f = draft.fields;
  return {
    target: f.target.trim(),
    city: f.city,
    county: f.county,
    address: f.address.trim(),
    category: f.category as ReportBody["category"],
    violation_types: f.violation_types as ReportBody["violation_types"],
    content: f.content.trim(),
    public: f.public,
    evidence: draft.evidence.length ? { kind: draft.kind, keys: draft.evidence.map((e) => e.key) } : null,
    notice_version: noticeVersion,
    // Linked only while the target is still the name that was chosen.
    institution_id: f.institution_id && f.target.trim() === f.institution_name ? f.institution_id : null,
  };
}

/**
 * How one send ended: created; refused for good (nothing was made: the draft is editable again);
 * throttled by the gateway (it never reached the platform: sent again as it is, shortly); or
 * unknown (sent again as it is, the same key answering the first result).
 */
export type SendResult =
  | { outcome: "created"; receipt: Receipt }
  | { outcome: "refused"; status: number; error: Schemas["Error"] }
  | { outcome: "throttled" }
  | { outcome: "unknown" };

export type Sender = (body: ReportBody, idempotencyKey: string) => Promise<SendResult>;

/**
 * Submits the draft once. Afterwards the draft is: gone (created), back to editable with a new
 * key (refused: nothing was created under the old one), or locked on its pending body (unknown).
 */
export async function submitDraft(
  storage: Storage,
  draft: Draft,
  noticeVersion: string,
  send: Sender,
): Promise<SendResult> {
  const body = draft.pending ?? bodyOf(draft, noticeVersion);
  draft.pending = body;
  saveDraft(storage, draft);
  const result = await send(body, draft.idempotencyKey);
  if (result.outcome === "created") {
    clearDraft(storage);
  } else if (result.outcome === "refused") {
    draft.pending = null;
    draft.idempotencyKey = newKey();
    saveDraft(storage, draft);
  }
  return result;
}

/**
 * What an error answer to a submission means. A client error says nothing was created, and so
 * does the platform's own 429 (the daily limit: a retry under the same key would have answered
 * the first report, which is checked before the limit). A 429 without the platform's body is API
 * Gateway's throttle; a timeout or a server error leaves the outcome unknown.
 */
export function outcomeOf(status: number, error: unknown): "refused" | "throttled" | "unknown" {
  if (status === 429) return isPlatformAnswer(error) ? "refused" : "throttled";
  if (status >= 400 && status < 500 && status !== 408) return "refused";
  return "unknown";
}
