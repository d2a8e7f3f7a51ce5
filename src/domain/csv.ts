/** CSV (RFC 4180) for the files natmigrate shares in Slack. Pure. */

/** One field: quoted when it holds a comma, quote or line break; a leading =+-@ is defused for spreadsheets. */
function csvField(v: string): string {
  const s = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A header line and one line per row, CRLF-terminated. Appended piece by piece, so the text is copied once, when it is
 * written out, instead of once per line and again for the whole (a plan of 1,000 long names is hundreds of megabytes).
 */
export function csvTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  let out = '';
  for (const r of [columns, ...rows]) {
    for (let i = 0; i < r.length; i++) out += i ? `,${csvField(r[i]!)}` : csvField(r[i]!);
    out += '\r\n';
  }
  return out;
}
