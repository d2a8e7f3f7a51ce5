import type { BatchPlan } from './batch-plan.ts';
import { csvTable } from './csv.ts';

/** A batch plan as a file: every DNAT entry it deletes, its restore recipe and expected egress; the skipped ones. Pure. */

const COLUMNS = [
  'instance_id', 'name', 'action', 'canary', 'job_id', 'nat_gateway_id', 'forward_entry_id', 'forward_table_id', 'external_ip',
  'external_port', 'internal_ip', 'internal_port', 'ip_protocol', 'entry_name', 'expected_egress_ips', 'plan_hash', 'skip_code', 'skip_reason',
] as const;

export function batchPlanCsv(plan: BatchPlan): string {
  const items = plan.items.map((i) => {
    const r = i.restoreRecipe;
    return [
      i.instanceId, i.instanceName ?? '', 'migrate', i.canary ? 'yes' : 'no', i.childJobId, i.natGatewayId, i.entryToDelete.forwardEntryId,
      r.forwardTableId, r.externalIp, r.externalPort, r.internalIp, r.internalPort, r.ipProtocol, r.forwardEntryName ?? '',
      i.expectedEgressIps.join(' '), i.planHash, '', '',
    ];
  });
  const skipped = plan.skipped.map((s) => [s.instanceId, '', 'skip', 'no', '', '', '', '', '', '', '', '', '', '', '', '', s.code, s.message]);
  return csvTable(COLUMNS, [...items, ...skipped]);
}

export function batchPlanFileName(plan: BatchPlan): string {
  return `natmigrate-plan-${plan.batchId}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
}
