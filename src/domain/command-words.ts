// The words of the command language and how a wrong one is answered: a specific message, with the closest
// right word when a typo is near one.
import type { CommandRefusal } from './command-refusal.ts';

export type Subcommand = 'help' | 'plan' | 'run' | 'status' | 'cancel' | 'rollback' | 'scan' | 'config' | 'report';
export const SUBCOMMANDS: readonly Subcommand[] = ['help', 'plan', 'run', 'status', 'cancel', 'rollback', 'scan', 'config', 'report'];

/** A mistake in what the user typed: why, as a code with facts (the catalog words it for them). */
export class UserError extends Error {
  constructor(readonly refusal: CommandRefusal) {
    super(refusal.code);
  }
}
export function fail(refusal: CommandRefusal): never {
  throw new UserError(refusal);
}

/** Edit distance counting an adjacent swap as one edit ("rnu" → "run" is 1). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

export function closest(word: string, candidates: readonly string[], maxDistance: number): string | undefined {
  if (word.length > 40) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= maxDistance ? best : undefined;
}
