// `natmigrate bench` (npm run bench): the cutover window, one migration end to end, the Slack ack under load, and
// a whole NAT gateway's fleet, each as a ratio to the lower bound the cloud's own latencies set. Everything runs in
// the sandbox on loopback with fixed latencies. Progress goes to stderr; stdout gets a table and, as its last
// line, one JSON object. Options: --only single,ack,fleet,slack  --fleet-n N  --ack-rate N  --noop-rate N  --ack-seconds N
// --slack-batch-n N  --slack-run-n N  --scale K
// (every latency ÷ K more: a quick smoke run, not a measurement).
import { runAck, type AckResult } from './ack.ts';
import { REAL_LATENCIES, scaled, type BenchLatencies } from './floors.ts';
import { runFleet, FLEET_QPS, type FleetResult } from './fleet-bench.ts';
import { machine } from './machine.ts';
import { connectOrStartRedis } from '../util/private-redis.ts';
import { runSingle, type SingleResults } from './single.ts';
import { runSlackBench, type SlackBenchResult } from './slack-bench.ts';
import { jsonLine, round, table } from './stats.ts';

/** The fleet runs at the real latencies ÷ this: 200 serialized cutovers at full latency take 13 minutes. */
const FLEET_SCALE = 5;

const TARGETS = {
  cutover_ratio: 1.10, migration_ratio: 1.15, api_calls_per_migration: 40,
  cutover_modify_ratio: 1.10, cutover_modify_vs_recreate: 0.55, api_calls_per_migration_modify: 20, verify_ports_ratio: 1.5,
  ack_ratio: 1.2, fleet_ratio: 1.25, fleet_failures: 0, worker_rss_mb: 200,
  slack_refused: 0, slack_calls_per_instance: 1.5, slack_delivery_lag_p99_ms: 10_000, approval_card_delay_ms: 5_000,
};

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const log = (s: string) => process.stderr.write(`${s}\n`);

export async function benchCommand(args: string[]): Promise<void> {
  const only = new Set((arg(args, '--only') ?? 'single,ack,fleet,slack').split(','));
  const slackBatchN = Number(arg(args, '--slack-batch-n') ?? 200);
  const slackRunN = Number(arg(args, '--slack-run-n') ?? 50);
  const fleetN = Number(arg(args, '--fleet-n') ?? 200);
  const ackRate = Number(arg(args, '--ack-rate') ?? 200);
  const noopRate = Number(arg(args, '--noop-rate') ?? 50);
  const ackSeconds = Number(arg(args, '--ack-seconds') ?? 20);
  const scale = Number(arg(args, '--scale') ?? 1);
  const realLat = scale === 1 ? REAL_LATENCIES : scaled(REAL_LATENCIES, scale);
  const m = machine();
  const redis = await connectOrStartRedis({ onNote: log });
  const fleetLat: BenchLatencies = scaled(realLat, FLEET_SCALE);
  log(`natmigrate bench — ${m.date} — ${m.machine} — load ${m.loadavg.join(' ')}`);
  log(`latencies (ms): ${fmtLat(realLat)}; fleet: the same ÷${FLEET_SCALE}: ${fmtLat(fleetLat)}`);
  let single: SingleResults | undefined;
  let ack: AckResult | undefined;
  let fleet: FleetResult | undefined;
  const slack: SlackBenchResult[] = [];
  try {
    if (only.has('single')) {
      log('1/4 one migration at a time, in place and by delete + create alternately (3 runs each, median) …');
      single = await runSingle({ redisUrl: redis.url, latencies: realLat, runs: 3, log });
    }
    if (only.has('ack')) {
      log(`2/4 Slack ack: /natmigrate run at ${ackRate}/s with no-op probes at ${noopRate}/s in between, for ${ackSeconds} s …`);
      ack = await runAck({ redisUrl: redis.url, ratePerSec: ackRate, noopRatePerSec: noopRate, durationMs: ackSeconds * 1000, warmupMs: 3000, log });
    }
    if (only.has('fleet')) {
      log(`3/4 fleet: ${fleetN} instances on one NAT gateway, sandbox throttling on (${Object.entries(FLEET_QPS).map(([k, v]) => `${k} ${v}/s`).join(', ')}) …`);
      fleet = await runFleet({ redisUrl: redis.url, n: fleetN, latencies: fleetLat, apiRate: 100, concurrency: 50, log });
    }
    if (only.has('slack')) {
      log(`4/4 Slack under its limits (strict simulated workspace), one channel, fleet latencies: a batch of ${slackBatchN}, then run with ${slackRunN} ids …`);
      slack.push(await runSlackBench({ redisUrl: redis.url, mode: 'batch', n: slackBatchN, latencies: fleetLat, log }));
      slack.push(await runSlackBench({ redisUrl: redis.url, mode: 'run', n: slackRunN, latencies: fleetLat, log }));
    }
  } finally {
    await redis.close();
  }

  const r = (a: number, b: number) => round(a / b, 3);
  const out: Record<string, unknown> = { date: m.date, machine: m.machine, loadavg_start: m.loadavg, latencies_ms: realLat };
  const rows: (string | number)[][] = [['figure', 'measured', 'floor', 'ratio', 'target', 'met']];
  const row = (name: string, measured: number, floor: number | string, ratio: number | string, target: string, met: boolean) =>
    rows.push([name, measured, floor, ratio, target, met ? 'yes' : 'NO']);
  if (single) {
    // The in-place path is what every all-ports migration takes: the migration figure is measured on it.
    const { modify: mo, recreate: re } = single.byMethod;
    const modifyVsRecreate = r(mo.cutoverWindowMs, re.cutoverWindowMs);
    Object.assign(out, {
      cutover_window_ms: re.cutoverWindowMs, cutover_floor_ms: re.cutoverFloorMs, cutover_ratio: r(re.cutoverWindowMs, re.cutoverFloorMs),
      cutover_modify_window_ms: mo.cutoverWindowMs, cutover_modify_floor_ms: mo.cutoverFloorMs, cutover_modify_ratio: r(mo.cutoverWindowMs, mo.cutoverFloorMs),
      cutover_modify_vs_recreate: modifyVsRecreate,
      migration_ms: mo.migrationMs, migration_floor_ms: mo.migrationFloorMs, migration_ratio: r(mo.migrationMs, mo.migrationFloorMs),
      migration_recreate_ms: re.migrationMs, migration_recreate_ratio: r(re.migrationMs, re.migrationFloorMs),
      api_calls_per_migration: re.apiCallsPerMigration, api_calls_per_migration_modify: mo.apiCallsPerMigration,
      verify_ports_ms: mo.verifyPortsMs, ssh_check_ms: mo.sshCheckMs, verify_ports_ratio: r(mo.verifyPortsMs, mo.sshCheckMs),
    });
    row('cutover window, delete + create (ms)', re.cutoverWindowMs, re.cutoverFloorMs, r(re.cutoverWindowMs, re.cutoverFloorMs), `≤ ${TARGETS.cutover_ratio}`, r(re.cutoverWindowMs, re.cutoverFloorMs) <= TARGETS.cutover_ratio);
    row('cutover window, in place (ms)', mo.cutoverWindowMs, mo.cutoverFloorMs, r(mo.cutoverWindowMs, mo.cutoverFloorMs), `≤ ${TARGETS.cutover_modify_ratio}`, r(mo.cutoverWindowMs, mo.cutoverFloorMs) <= TARGETS.cutover_modify_ratio);
    row('  in place ÷ delete + create', modifyVsRecreate, '-', '-', `≤ ${TARGETS.cutover_modify_vs_recreate}`, modifyVsRecreate <= TARGETS.cutover_modify_vs_recreate);
    row('migration in place, no human wait (ms)', mo.migrationMs, mo.migrationFloorMs, r(mo.migrationMs, mo.migrationFloorMs), `≤ ${TARGETS.migration_ratio}`, r(mo.migrationMs, mo.migrationFloorMs) <= TARGETS.migration_ratio);
    row('API calls per migration, delete + create', re.apiCallsPerMigration, '-', '-', `≤ ${TARGETS.api_calls_per_migration}`, re.apiCallsPerMigration <= TARGETS.api_calls_per_migration);
    row('API calls per migration, in place', mo.apiCallsPerMigration, '-', '-', `≤ ${TARGETS.api_calls_per_migration_modify}`, mo.apiCallsPerMigration <= TARGETS.api_calls_per_migration_modify);
    // 16 listening ports probed through the EIP after the cutover, against the one SSH check of the same run.
    row('verify 16 service ports (ms)', mo.verifyPortsMs, `ssh ${mo.sshCheckMs}`, r(mo.verifyPortsMs, mo.sshCheckMs), `≤ ${TARGETS.verify_ports_ratio}`, r(mo.verifyPortsMs, mo.sshCheckMs) <= TARGETS.verify_ports_ratio);
  }
  if (ack) {
    Object.assign(out, {
      ack_rate_per_s: ack.ratePerSec, noop_rate_per_s: ack.noopRatePerSec, ack_requests: ack.runs, noop_requests: ack.noops, ack_p50_ms: ack.ackP50Ms, ack_p99_ms: ack.ackP99Ms,
      noop_ack_p50_ms: ack.noopP50Ms, noop_ack_p99_ms: ack.noopP99Ms, ack_ratio: ack.ackRatio, ack_bad_answers: ack.bad,
    });
    row(`ack p99 of run @${ack.ratePerSec}/s (ms)`, ack.ackP99Ms, `noop ${ack.noopP99Ms}`, ack.ackRatio, `≤ ${TARGETS.ack_ratio}`, ack.ackRatio <= TARGETS.ack_ratio && ack.bad === 0);
    rows.push([`  ack p50: run / noop (ms)`, ack.ackP50Ms, `noop ${ack.noopP50Ms}`, '', '', '']);
  }
  if (fleet) {
    Object.assign(out, {
      fleet_n: fleet.n, fleet_mode: fleet.mode, fleet_latencies_ms: fleetLat, fleet_ms: fleet.fleetMs, fleet_floor_ms: fleet.fleetFloorMs,
      fleet_ratio: fleet.fleetRatio, fleet_floor_fair_ms: fleet.fleetFloorFairMs, fleet_ratio_fair: fleet.fleetRatioFair, fleet_failures: fleet.failures, worker_rss_mb: fleet.workerRssMb, worker_node_flags: '',
      fleet_api_calls_per_migration: fleet.apiCallsPerMigration, fleet_throttled_calls: fleet.throttled, fleet_handover_ms: fleet.handoverMs, fleet_timeline: fleet.timeline,
    });
    row(`fleet of ${fleet.n} (${fleet.mode}) (ms)`, fleet.fleetMs, fleet.fleetFloorMs, fleet.fleetRatio, `≤ ${TARGETS.fleet_ratio}`, fleet.fleetRatio <= TARGETS.fleet_ratio);
    rows.push(['  the same ÷ the floor with the unavoidable waits (ms)', fleet.fleetMs, fleet.fleetFloorFairMs, fleet.fleetRatioFair, '', '']);
    row('fleet failures', fleet.failures, '-', '-', '0', fleet.failures === 0);
    row('worker RSS at the fleet peak (MB)', fleet.workerRssMb, '-', '-', `≤ ${TARGETS.worker_rss_mb}`, fleet.workerRssMb <= TARGETS.worker_rss_mb);
    rows.push(['  fleet API calls per migration', fleet.apiCallsPerMigration, '', '', '', '']);
    rows.push(['  throttled API answers', fleet.throttled, '', '', '', '']);
    rows.push(['  table idle between cutovers (ms)', fleet.handoverMs, '', '', '', '']);
    const tl = fleet.timeline;
    rows.push(['    of which: due Available → last read (ms)', tl.detectMs, '', '', '', '']);
    rows.push(['    of which: last read → next modify (ms)', tl.handMs, '', '', '', '']);
    rows.push(['  reads of the entry per cutover', tl.pollsPerCutover, '', '', '', '']);
    rows.push(['  before the first cutover / after the last (ms)', `${tl.headMs} / ${tl.tailMs}`, '', '', '', '']);
    rows.push(['  busy/throttled answers (all calls)', tl.transientAnswers, '', '', '', '']);
    if (fleet.problems.length) log(`fleet problems:\n  ${fleet.problems.join('\n  ')}`);
  }
  if (slack.length) {
    const batch = slack.find((x) => x.mode === 'batch');
    const refused = slack.reduce((a, x) => a + x.refused, 0);
    const lag = Math.max(...slack.map((x) => x.deliveryLagP99Ms));
    const card = Math.max(...slack.map((x) => x.approvalCardDelayMs));
    Object.assign(out, {
      slack_refused: refused,
      ...(batch ? { slack_calls_per_instance: batch.callsPerInstance } : {}),
      slack_delivery_lag_p99_ms: lag,
      approval_card_delay_ms: card,
      ...Object.fromEntries(slack.flatMap((x) => [
        [`slack_${x.mode}_n`, x.n], [`slack_${x.mode}_refused`, x.refused], [`slack_${x.mode}_calls`, x.calls], [`slack_${x.mode}_calls_per_instance`, x.callsPerInstance],
        [`slack_${x.mode}_delivery_lag_p99_ms`, x.deliveryLagP99Ms], [`slack_${x.mode}_approval_card_delay_ms`, x.approvalCardDelayMs], [`slack_${x.mode}_ms`, x.durationMs],
        [`slack_${x.mode}_outcomes`, x.outcomes],
      ])),
    });
    row('Slack: calls refused (batch + run)', refused, '-', '-', '0', refused <= TARGETS.slack_refused);
    if (batch) row(`Slack: calls per instance (batch of ${batch.n})`, batch.callsPerInstance, '-', '-', `≤ ${TARGETS.slack_calls_per_instance}`, batch.callsPerInstance <= TARGETS.slack_calls_per_instance);
    row('Slack: delivery lag p99 (ms)', lag, '-', '-', `≤ ${TARGETS.slack_delivery_lag_p99_ms}`, lag <= TARGETS.slack_delivery_lag_p99_ms);
    row('Slack: approval card delay (ms)', card, '-', '-', `≤ ${TARGETS.approval_card_delay_ms}`, card <= TARGETS.approval_card_delay_ms);
    for (const x of slack) rows.push([`  ${x.mode} of ${x.n}: lag p99 / card delay / calls per instance / s`, x.deliveryLagP99Ms, x.approvalCardDelayMs, x.callsPerInstance, round(x.durationMs / 1000, 1), '']);
  }
  if (single) {
    log('per run (single): ' + single.runs.map((x) => `${x.instanceId} ${x.method} ${x.outcome} window ${x.cutoverWindowMs} ms, migration ${x.migrationMs} ms, ${x.apiCalls} calls`).join('; '));
    for (const x of single.runs) log(`calls of ${x.instanceId} (${x.method}) by step: ${JSON.stringify(x.callsByStep)}; by action: ${JSON.stringify(x.callsByAction)}`);
  }
  process.stdout.write(`\nnatmigrate bench — ${m.date} — ${m.machine}\n`);
  process.stdout.write(`latencies (ms): ${fmtLat(realLat)}; fleet at ÷${FLEET_SCALE}\n\n`);
  process.stdout.write(`${table(rows)}\n\n`);
  process.stdout.write(`${jsonLine(out)}\n`);
}

function fmtLat(l: BenchLatencies): string {
  return Object.entries(l).map(([k, v]) => `${k} ${v}`).join(', ');
}
