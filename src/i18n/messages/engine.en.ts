// What the engine itself writes in English (a finished job's or batch's one-line summary): English shows it as
// written; other languages reword the shapes they know (src/engine/migration/summary.ts, fleet/batch-summary.ts) and
// keep anything else as it is.
export const en = {
  engineSummary: (p: { text: string }) => p.text,
  /** The service's answer to cancel and rollback (English as the engine writes it). */
  engineAnswer: (p: { text: string }) => p.text,
};
