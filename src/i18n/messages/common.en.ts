// Words every card uses: who did it, DNAT entry fields, plural counts.
export const en = {
  botActor: () => 'natmigrate (bot)',
  nobody: () => 'nobody',
  authzNobody: () => 'nobody',
  authzAnyone: () => 'anyone',
  listJoin: () => ', ',
  entryField: (p: { field: 'entry' | 'table' | 'protocol' | 'name' | 'status' | 'natGateway'; value: string }) =>
    `${{ entry: 'entry', table: 'table', protocol: 'protocol', name: 'name', status: 'status', natGateway: 'NAT gateway' }[p.field]} ${p.value}`,
  jobRef: (p: { id: string }) => `job ${p.id}`,
  batchRef: (p: { id: string }) => `batch ${p.id}`,
  regionRef: (p: { id: string }) => `region ${p.id}`,
  planHashRef: (p: { hash: string }) => `plan hash ${p.hash}`,
  requestedByRef: (p: { who: string }) => `requested by ${p.who}`,
  nothingChanged: () => 'nothing was changed',
  auditBelow: () => 'Audit log in this thread ↓',
  continued: (p: { title: string; n: number; of: number }) => `${p.title} (continued ${p.n}/${p.of})`,
  continuedTag: (p: { title: string; n: number; of: number }) => `${p.title} · continued ${p.n}/${p.of}`,
};
