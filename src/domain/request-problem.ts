import type { IdProblem } from './ids.ts';

/**
 * Why the service did not take a request, as facts a front end words in its reader's language: an id or region it
 * cannot use, targets of the wrong kind, or a kind of job this deployment does not run.
 */
export type RequestProblem =
  | IdProblem
  /** A scan target that is neither a NAT gateway id nor a VPC id (`shown` as given). */
  | { problem: 'not_scan_target'; shown: string }
  /** Batch targets that are not NAT gateway, VPC or instance ids (`shown` as given; empty: no target given). */
  | { problem: 'not_batch_targets'; shown: string[] }
  /** This deployment runs no scans or batches (no fleet). */
  | { problem: 'unavailable'; what: 'scans' | 'batches' };
