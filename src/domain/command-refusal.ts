// Why the command parser refused what was typed, as a code with facts: the message catalog (src/i18n/messages/
// parser.*.ts) words it in the reader's language. What the person typed is a fact, shown as typed (truncated, with
// no backticks); command words, flags and ids stay as they are in every language.
// Flags and subcommands are plain strings here (their names), so the parser's files can import this one.
import type { IdProblem } from './ids.ts';

export type CommandRefusal =
  | { code: 'empty' }
  /** The parser itself hit a bug; tests assert it never happens. */
  | { code: 'internal' }
  | { code: 'too_long'; length: number; max: number; maxInstances: number }
  | { code: 'missing_subcommand'; id: string }
  /** `guess`: the subcommand meant, when a synonym or a near typo says which; otherwise every subcommand is listed. */
  | { code: 'unknown_subcommand'; typed: string; guess?: string; subcommands: readonly string[] }
  /** `flag`: as typed, without its dashes. */
  | { code: 'unknown_flag'; flag: string; guess?: string }
  | { code: 'single_dash'; flag: string; typed: string }
  | { code: 'flag_not_here'; flag: string; sub: string }
  /** `--concurrency`/`--canary` outside `run --all`; `withTargets`: said after the rest of the command was read. */
  | { code: 'flag_needs_all'; flag: string; withTargets: boolean }
  | { code: 'flag_twice'; flag: string }
  | { code: 'flag_needs_value'; flag: string }
  | { code: 'flag_takes_no_value'; flag: string; got: string }
  | { code: 'ports_empty' }
  | { code: 'port_range'; item: string; max: number }
  | { code: 'not_a_port'; item: string }
  | { code: 'port_out_of_range'; port: number }
  | { code: 'too_many_ports'; count: number; max: number }
  | { code: 'count_not_number'; flag: 'concurrency' | 'canary'; max: number; got: string }
  | { code: 'count_out_of_range'; flag: 'concurrency' | 'canary'; max: number; got: number }
  | { code: 'verify_port_bad'; got: string }
  | { code: 'accept_port_bad'; got: string }
  | { code: 'security_groups_empty' }
  | { code: 'security_groups_too_many'; count: number }
  /** `orVpc`: a NAT gateway or VPC id was expected, and the problem is told against the NAT gateway's shape. */
  | { code: 'bad_id'; id: IdProblem; orVpc?: boolean }
  /** A NAT gateway or VPC id where instance ids go: `/natmigrate run --all <id>` or `scan <id>` is meant. */
  | { code: 'gateway_for_instance'; id: string; kind: 'natGateway' | 'vpc'; sub: string }
  | { code: 'missing_job_id'; sub: 'cancel' | 'rollback' | 'report' }
  | { code: 'one_job_id'; sub: 'cancel' | 'rollback' | 'report'; count: number }
  | { code: 'instance_for_job'; id: string; sub: 'cancel' | 'rollback' | 'report' }
  | { code: 'bad_job_id'; shown: string }
  | { code: 'missing_plan_instance' }
  | { code: 'plan_one_instance'; count: number }
  | { code: 'missing_all_target' }
  | { code: 'instance_for_all'; id: string }
  | { code: 'too_many_all_targets'; count: number; max: number }
  | { code: 'missing_run_instance' }
  | { code: 'too_many_instances'; count: number; max: number }
  | { code: 'status_one_target'; count: number }
  /** `upper`: the instance id's problem, when it only has upper-case letters. */
  | { code: 'status_bad_target'; shown: string; upper?: IdProblem }
  | { code: 'config_what' }
  | { code: 'config_one_value'; count: number }
  | { code: 'config_bad_language'; shown: string }
  | { code: 'missing_scan_target' }
  | { code: 'scan_one_target'; count: number }
  | { code: 'instance_for_scan'; id: string };

export type CommandRefusalCode = CommandRefusal['code'];
