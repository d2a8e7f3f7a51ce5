import type { CommandRefusal } from '../../domain/command-refusal.ts';
import type { IdProblem, ResourceKind } from '../../domain/ids.ts';
import { RESOURCE_ID_PREFIX } from '../../domain/ids.ts';

// Why the command parser refused what was typed (src/domain/command-refusal.ts), and what is wrong with an id.
// Plain mrkdwn with the person's words in backticks as they typed them: the caller escapes the whole sentence.

const SEE_HELP = ' See `/natmigrate help`.';

const LABEL: Record<ResourceKind, string> = {
  instance: 'ECS instance id', natGateway: 'NAT gateway id', vpc: 'VPC id', eni: 'ENI id', vSwitch: 'vSwitch id', securityGroup: 'security group id',
};
const a = (label: string) => `${/^[aeiouAEIOU]/.test(label) ? 'an' : 'a'} ${label}`;

/** An example of a flag with its value, for "needs a value". */
function example(flag: string): string {
  switch (flag) {
    case 'region': return '`--region cn-hangzhou`';
    case 'ports': return '`--ports 22,443` or `--ports any`';
    case 'concurrency': return '`--concurrency 4`';
    case 'canary': return '`--canary 1`';
    case 'vswitch': return '`--vswitch vsw-bp1…`';
    case 'security-groups': return '`--security-groups sg-bp1…,sg-bp1…`';
    case 'accept-port': return '`--accept-port 8080` (repeatable, or a comma list)';
    default: return `\`--${flag}\``;
  }
}

/** No closing full stop: the caller's sentence goes on or ends it. */
function idProblemText(p: IdProblem): string {
  if (p.kind === 'region') {
    switch (p.problem) {
      case 'upper_case': return `\`${p.shown}\` has upper-case letters; region ids are lower-case (did you mean \`${p.lower}\`?)`;
      case 'not_configured': return `region \`${p.shown}\` is not configured here (this deployment works in ${p.configured.join(', ')})`;
      default: return `\`${p.shown}\` does not look like an Alibaba Cloud region id (expected something like cn-hangzhou, ap-southeast-1 or us-west-1)`;
    }
  }
  const label = LABEL[p.kind];
  const prefix = RESOURCE_ID_PREFIX[p.kind];
  switch (p.problem) {
    case 'upper_case': return `\`${p.shown}\` has upper-case letters; Alibaba ${label}s are lower-case (did you mean \`${p.lower}\`?)`;
    case 'other_kind': return `\`${p.shown}\` is ${a(LABEL[p.other])}, but ${a(label)} (${prefix}-…) was expected`;
    default: return `\`${p.shown}\` does not look like ${a(label)} (expected ${prefix}- followed by 20-ish lowercase letters/digits)`;
  }
}

function refusalText(r: CommandRefusal): string {
  switch (r.code) {
    case 'empty': return `Empty command.${SEE_HELP}`;
    case 'internal': return 'Sorry, natmigrate could not read that command. See `/natmigrate help`.';
    case 'too_long': return `That command is ${r.length} characters long; keep it under ${r.max} (at most ${r.maxInstances} instances per command).`;
    case 'missing_subcommand': return `Missing subcommand: try \`/natmigrate plan ${r.id}\` or \`/natmigrate run ${r.id}\`.`;
    case 'unknown_subcommand':
      return r.guess
        ? `Unknown subcommand \`${r.typed}\`; did you mean \`${r.guess}\`?${SEE_HELP}`
        : `Unknown subcommand \`${r.typed}\`; try one of ${r.subcommands.map((s) => `\`${s}\``).join(', ')}.`;
    case 'unknown_flag': return `Unknown flag \`--${r.flag}\`${r.guess ? `; did you mean \`--${r.guess}\`?` : '.'}${SEE_HELP}`;
    case 'single_dash': return `Flags start with two dashes: write \`--${r.flag}\`, not \`${r.typed}\`.`;
    case 'flag_not_here': return `\`--${r.flag}\` does not apply to \`${r.sub}\`.${SEE_HELP}`;
    case 'flag_needs_all': return r.withTargets ? `\`--${r.flag}\` only applies to \`run --all <ngw-id|vpc-id>\`.` : `\`--${r.flag}\` only applies to \`run --all\`.${SEE_HELP}`;
    case 'flag_twice': return `\`--${r.flag}\` is given twice; give it once.`;
    case 'flag_needs_value': return `\`--${r.flag}\` needs a value, e.g. ${example(r.flag)}.`;
    case 'flag_takes_no_value': return `\`--${r.flag}\` takes no value (got \`${r.got}\`).`;
    case 'ports_empty': return '`--ports` needs `any` or a list of TCP ports such as `22,443`.';
    case 'port_range': return `Port ranges such as \`${r.item}\` are not supported; list the ports (at most ${r.max}) or use \`--ports any\`.`;
    case 'not_a_port': return `\`${r.item}\` is not a port; \`--ports\` takes \`any\` or TCP port numbers from 1 to 65535 separated by commas, e.g. \`22,443\`.`;
    case 'port_out_of_range': return `Port ${r.port} is out of range; ports go from 1 to 65535.`;
    case 'too_many_ports': return `\`--ports\` lists ${r.count} ports; at most ${r.max} are allowed (use \`--ports any\` to forward every port).`;
    case 'count_not_number': return `\`--${r.flag}\` takes a whole number from 1 to ${r.max}, not \`${r.got}\`.`;
    case 'count_out_of_range': return `\`--${r.flag}\` must be from 1 to ${r.max} (got ${r.got}).`;
    case 'verify_port_bad': return `\`--verify-port\` takes a TCP port from 1 to 65535, not \`${r.got}\`.`;
    case 'accept_port_bad': return `\`--accept-port\` takes TCP ports from 1 to 65535, e.g. \`--accept-port 8080\` (got \`${r.got}\`).`;
    case 'security_groups_empty': return '`--security-groups` needs at least one security group id.';
    case 'security_groups_too_many': return `An ENI can have at most 5 security groups; \`--security-groups\` lists ${r.count}.`;
    case 'bad_id': return r.orVpc ? `${idProblemText(r.id)} or a VPC id (vpc-…).` : `${idProblemText(r.id)}.`;
    case 'gateway_for_instance':
      return `\`${r.id}\` is a ${LABEL[r.kind]}; \`${r.sub}\` takes ECS instance ids (i-…). For a whole NAT gateway or VPC use \`/natmigrate ${r.sub === 'run' ? 'run --all' : 'scan'} ${r.id}\`.`;
    case 'missing_job_id': return `Missing job id: \`/natmigrate ${r.sub} <job-id>\` (job ids look like \`migrate-cn-hangzhou-i-bp1…\`; \`/natmigrate status\` lists them).`;
    case 'one_job_id': return `\`${r.sub}\` takes one job id (got ${r.count}).`;
    case 'instance_for_job': return `\`${r.id}\` is an instance id; \`${r.sub}\` takes a job id such as \`migrate-<region>-${r.id}\` — \`/natmigrate status ${r.id}\` shows it.`;
    case 'bad_job_id': return `\`${r.shown}\` does not look like a job id (expected e.g. \`migrate-cn-hangzhou-i-bp1…\`).`;
    case 'missing_plan_instance': return 'Missing instance id: `/natmigrate plan <instance-id>`, e.g. `/natmigrate plan i-bp1…`.';
    case 'plan_one_instance': return `\`plan\` takes one instance id (got ${r.count}); use \`run\` to migrate several.`;
    case 'missing_all_target': return 'Missing target: `/natmigrate run --all <ngw-id|vpc-id> [more]`.';
    case 'instance_for_all': return `\`${r.id}\` is an instance id; \`run --all\` takes NAT gateway or VPC ids. Leave out \`--all\` to migrate instances.`;
    case 'too_many_all_targets': return `\`run --all\` takes at most ${r.max} NAT gateways or VPCs (got ${r.count}).`;
    case 'missing_run_instance': return 'Missing instance id: `/natmigrate run <instance-id> [more ids]`, or `/natmigrate run --all <ngw-id>`.';
    case 'too_many_instances': return `Too many instances: ${r.count} (at most ${r.max} per command); split them, or use \`run --all <ngw-id>\` for a whole NAT gateway.`;
    case 'status_one_target': return `\`status\` takes at most one job id or instance id (got ${r.count}).`;
    case 'status_bad_target':
      return `\`${r.shown}\` is neither a job id (e.g. \`migrate-cn-hangzhou-i-bp1…\`) nor an instance id${r.upper ? ` (${idProblemText(r.upper)})` : ''}.`;
    case 'config_what': return '`config` sets the channel\'s language: `/natmigrate config language ja|en|default`.';
    case 'config_one_value': return `\`config language\` takes one value (got ${r.count}).`;
    case 'config_bad_language': return `\`${r.shown}\` is not a language natmigrate speaks: use \`ja\`, \`en\`, or \`default\`.`;
    case 'missing_scan_target': return 'Missing target: `/natmigrate scan <ngw-id|vpc-id>`.';
    case 'scan_one_target': return `\`scan\` takes one NAT gateway or VPC id (got ${r.count}).`;
    case 'instance_for_scan': return `\`${r.id}\` is an instance id; \`scan\` takes a NAT gateway or VPC id. For one instance use \`/natmigrate plan ${r.id}\`.`;
  }
}

export const en = {
  /** Why the command parser refused what was typed (the caller escapes the sentence). */
  commandRefusal: (p: { refusal: CommandRefusal }) => refusalText(p.refusal),
  /** What is wrong with an id or region id, without a closing full stop (the caller escapes it). */
  idProblemText: (p: { problem: IdProblem }) => idProblemText(p.problem),
};
