// The port fields of a DNAT entry as the API stores them: digits, a 'from/to' range, or 'any'.

/** 'Any' in any case → 'any'; '22' stays; '1000/2000' stays. */
export function normPort(p: string): string {
  return p.trim().toLowerCase() === 'any' ? 'any' : p.trim();
}

export function validPort(p: string): boolean {
  if (p === 'any') return true;
  const m = /^(\d{1,5})(?:\/(\d{1,5}))?$/.exec(p);
  if (!m) return false;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  return a >= 1 && b <= 65535 && a <= b;
}

/** Port range of a DNAT port field: [from, to]; 'any' → [1, 65535]. */
export function portSpan(p: string): [number, number] {
  if (p === 'any') return [1, 65535];
  const [a, b] = p.split('/').map(Number);
  return [a!, b ?? a!];
}
