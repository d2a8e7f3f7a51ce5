// Who may request and approve, as configured: Slack user ids (U…/W…) and user-group ids (S…).

/** Empty requesters list = anyone may request. `requesters` are resolved user ids (groups expanded by the caller). */
export function canRequest(userId: string, requesters: readonly string[]): boolean {
  return requesters.length === 0 || requesters.includes(userId);
}

/** Splits `U012AB,W0X, S0GROUP` into Slack user ids (U…/W…) and user-group ids (S…); anything else is `invalid`. */
export function parseSlackPrincipals(text: string | undefined): { userIds: string[]; groupIds: string[]; invalid: string[] } {
  const out = { userIds: [] as string[], groupIds: [] as string[], invalid: [] as string[] };
  for (const raw of (text ?? '').split(/[\s,;]+/)) {
    const id = raw.trim();
    if (!id) continue;
    const bucket = /^[UW][A-Z0-9]{2,}$/.test(id) ? out.userIds : /^S[A-Z0-9]{2,}$/.test(id) ? out.groupIds : out.invalid;
    if (!bucket.includes(id)) bucket.push(id);
  }
  return out;
}
