// The service's answers to cancel and rollback: a code with facts (the Slack layer words it per reader) and its
// English from the same catalog (logs, the CLI, and what `message` always carried).
import type { ServiceAnswer } from '../domain/job-text.ts';
import { msg } from '../i18n/catalog.ts';
import type { AnswerResult } from './ports.ts';

export function answered(ok: boolean, answer: ServiceAnswer): AnswerResult {
  return { ok, answer, message: msg('en').serviceAnswerText({ answer }) };
}
