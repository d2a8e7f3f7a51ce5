// The service's answers to cancel and rollback, which the engine writes in English: English shows them as written;
// other languages reword the shapes they know and keep anything else as it is. (Summaries and reasons are codes:
// outcome.*.ts.)
export const en = {
  /** The service's answer to cancel and rollback (English as the engine writes it). */
  engineAnswer: (p: { text: string }) => p.text,
};
