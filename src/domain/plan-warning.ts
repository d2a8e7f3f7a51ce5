// The plan's warnings as codes with facts (built in plan-warnings.ts, worded by the catalog's `planWarning`).

/** The probe verification runs through the public IP on that port. */
export type ProbeName = 'SSH' | 'RDP' | 'TCP';

/**
 * One warning of the plan, as a code with its facts; the catalog (plan.*.ts `planWarning`) words it in each language.
 * Ids, addresses, ports and the guest's own error text are data.
 */
export type PlanWarning =
  | { code: 'verify_port_not_forwarded'; ports: string; port: number; probe: ProbeName; eip: string }
  | { code: 'security_group_unreadable'; groups: string[]; port: number }
  | { code: 'security_group_closed'; groups: string[]; port: number; shadowedBy?: string; probe: ProbeName; eip: string }
  | { code: 'entry_not_available'; entry: string; status: string }
  | { code: 'guest_stack_unknown'; error: string }
  | { code: 'guest_routing_needed'; eip: string }
  | { code: 'windows_metric' }
  | { code: 'port_entries_stay'; entries: { id: string; entry: string }[] }
  | { code: 'stop_to_attach'; instanceId: string; instanceType: string; family: string }
  | { code: 'services_unchecked'; reason: string };

/** A warning as a plan holds it; a string is a plan recorded before warnings were codes (shown as data). */
export type PlanWarningEntry = PlanWarning | string;
