// `natmigrate chaos` (npm run chaos): crash points (SIGKILL at every step boundary and mid-write/mid-wait of four
// flows, a stand-by worker takes over), a Redis restart from AOF (private redis-server), a cloud-fault storm with a
// worker killed mid-way, pause points (a worker SIGSTOPped at every write and wait of the migrate and restore paths,
// woken after another worker finished the job: fencing), Redis-loss points (a private Redis FLUSHALLed at every step
// boundary, all processes restarted: reconcile from the ENI's tags), and fuzzing of the Slack inputs. Progress on
// stderr; stdout gets a table and, as its last line, one JSON object.
// Options: --only crash,redis,storm,pause,loss,fuzz  --lanes N  --crash-flows migrate,migrate-stop,… (default all)
// --storm-n N  --fuzz-slash N  --fuzz-clicks N.
import { allCrashCases, runCrashPoints, type CrashResult } from './crash-harness.ts';
import { runFaultStorm, type FaultStormResult } from './chaos-faults.ts';
import { runRedisRestart } from './chaos-redis.ts';
import { runFuzz, type FuzzResult } from './fuzz.ts';
import { allPauseCases, runPausePoints, type PauseResult } from './pause-harness.ts';
import { allLossCases, runRedisLossPoints, type LossResult } from './redis-loss-harness.ts';
import { machine } from './machine.ts';
import { connectOrStartRedis, findOnPath } from '../util/private-redis.ts';
import { jsonLine, table } from './stats.ts';

const log = (s: string) => process.stderr.write(`${s}\n`);

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function chaosCommand(args: string[]): Promise<void> {
  const only = new Set((arg(args, '--only') ?? 'crash,redis,storm,pause,loss,fuzz').split(','));
  const lanes = Number(arg(args, '--lanes') ?? 2);
  const stormN = Number(arg(args, '--storm-n') ?? 40);
  const fuzzSlash = Number(arg(args, '--fuzz-slash') ?? 600);
  const fuzzClicks = Number(arg(args, '--fuzz-clicks') ?? 300);
  const m = machine();
  const t0 = Date.now();
  const redis = await connectOrStartRedis({ onNote: log });
  log(`natmigrate chaos — ${m.date} — ${m.machine} — load ${m.loadavg.join(' ')}`);
  const crash: CrashResult[] = [];
  let storm: FaultStormResult | undefined;
  let fuzz: FuzzResult | undefined;
  const pause: PauseResult[] = [];
  const loss: LossResult[] = [];
  const notes: string[] = [];
  try {
    if (only.has('crash')) {
      const flows = arg(args, '--crash-flows')?.split(',');
      const cases = allCrashCases().filter((c) => !flows || flows.includes(c.flow));
      log(`crash points: ${cases.length} over ${lanes} lanes (SIGKILL at each; a stand-by worker takes over) …`);
      crash.push(...await runCrashPoints(redis.url, cases, lanes, (r) => log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.flow} ${r.point}${r.ok ? '' : `: ${r.problems.join(' | ')}`}`)));
    }
    if (only.has('redis')) {
      if (findOnPath('redis-server')) {
        log('redis: a private redis-server with AOF on, killed twice …');
        const rs = await runRedisRestart({ log });
        for (const r of rs) log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.point}${r.ok ? '' : `: ${r.problems.join(' | ')}`}`);
        crash.push(...rs);
      } else {
        notes.push('redis restart skipped: no redis-server on PATH');
        log(notes.at(-1)!);
      }
    }
    if (only.has('storm')) {
      log(`fault storm: ${stormN} migrations on 2 workers, faults at every API call, one worker SIGKILLed mid-way …`);
      storm = await runFaultStorm({ redisUrl: redis.url, n: stormN, log });
      log(`  outcomes ${JSON.stringify(storm.outcomes)}, faults ${JSON.stringify(storm.faultsByKind)}, cancels at ${JSON.stringify(storm.cancelSteps)}`);
      for (const p of storm.problems) log(`  problem: ${p}`);
    }
    if (only.has('pause')) {
      const cases = allPauseCases();
      log(`pause points: ${cases.length} over ${lanes} lanes (SIGSTOP at each; a stand-by finishes the job; then SIGCONT) …`);
      pause.push(...await runPausePoints(redis.url, cases, lanes, (r) => log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.flow} ${r.point}${r.ok ? '' : `: ${r.problems.join(' | ')}`}`)));
    }
    if (only.has('loss')) {
      if (findOnPath('redis-server')) {
        const cases = allLossCases();
        log(`redis-loss points: ${cases.length} over ${lanes} lanes (FLUSHALL of a private Redis at each step boundary; all processes restarted) …`);
        loss.push(...await runRedisLossPoints(cases, lanes, (r) => log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.flow} ${r.point} → ${r.endState}${r.ok ? '' : `: ${r.problems.join(' | ')}`}`)));
      } else {
        notes.push('redis-loss points skipped: no redis-server on PATH');
        log(notes.at(-1)!);
      }
    }
    if (only.has('fuzz')) {
      log(`fuzz: ${fuzzSlash} slash-command texts and ${fuzzClicks} clicks, signed, to the real Bolt receiver …`);
      fuzz = await runFuzz({ redisUrl: redis.url, slashCases: fuzzSlash, clickCases: fuzzClicks, log });
      for (const e of fuzz.examples) log(`  failure: ${e}`);
    }
  } finally {
    await redis.close();
  }

  const sum = (f: (r: CrashResult) => number) => crash.reduce((a, r) => a + f(r), 0);
  const out: Record<string, unknown> = {
    date: m.date, machine: m.machine, loadavg_start: m.loadavg, duration_s: Math.round((Date.now() - t0) / 1000),
    crash_points: crash.length, crash_points_survived: crash.filter((r) => r.ok).length,
    orphan_enis: sum((r) => r.orphanEnis) + (storm?.orphanEnis ?? 0),
    lost_mappings: sum((r) => r.lostMappings) + (storm?.lostMappings ?? 0),
    duplicate_enis: sum((r) => r.duplicateEnis) + (storm?.duplicateEnis ?? 0),
    pause_points: pause.length,
    pause_points_survived: pause.filter((r) => r.ok).length,
    writes_after_lost_ownership: pause.reduce((a, r) => a + r.writesAfterLostOwnership, 0),
    pause_duplicate_messages: pause.reduce((a, r) => a + r.duplicateMessages, 0),
    pause_duplicate_enis_or_entries: pause.reduce((a, r) => a + r.duplicateEnis + r.duplicateEntries, 0),
    pause_state_mismatches: pause.reduce((a, r) => a + r.stateMismatch, 0),
    redis_loss_points: loss.length,
    redis_loss_points_recovered: loss.filter((r) => r.ok).length,
    redis_loss_end_states: loss.reduce<Record<string, number>>((a, r) => ({ ...a, [r.endState]: (a[r.endState] ?? 0) + 1 }), {}),
    faults_injected: storm?.faultsInjected ?? 0,
    faults_by_kind: storm?.faultsByKind ?? {},
    runs_ending_migrated_or_restored: storm?.migratedOrRestored ?? 0,
    runs: storm?.runs ?? 0,
    runs_migrated: storm?.runsMigrated ?? 0,
    runs_restored: storm?.runsRestored ?? 0,
    runs_failed_mapping_missing: storm?.runsFailedMappingMissing ?? 0,
    restores_from_transient_states: storm?.restoresFromTransientStates ?? 0,
    run_outcomes: storm?.outcomes ?? {},
    storm_cancels_drawn: storm?.cancelsDrawn ?? 0,
    storm_cancels_sent: storm?.cancelsSent ?? 0,
    runs_cancelled: storm?.runsCancelled ?? 0,
    storm_cancel_steps: storm?.cancelSteps ?? {},
    fuzz_cases: fuzz?.cases ?? 0,
    fuzz_failures: fuzz?.failures ?? 0,
    fuzz_jobs_created: fuzz?.jobsCreated ?? 0,
    fuzz_garbage_jobs: fuzz?.garbageJobs ?? 0,
    ...(notes.length ? { notes } : {}),
  };
  const failed = crash.filter((r) => !r.ok);
  const rows: string[][] = [['figure', 'value'],
    ['crash points survived', `${out.crash_points_survived} / ${out.crash_points}`],
    ['orphan / duplicate ENIs, lost mappings', `${out.orphan_enis} / ${out.duplicate_enis} / ${out.lost_mappings}`],
    ['pause points survived (writes after lost ownership)', `${out.pause_points_survived} / ${out.pause_points} (${out.writes_after_lost_ownership})`],
    ['redis-loss points recovered', `${out.redis_loss_points_recovered} / ${out.redis_loss_points}`],
    ['fault storm: runs migrated, restored or cancelled', `${out.runs_ending_migrated_or_restored} / ${out.runs}`],
    ['fault storm (realism on): migrated / restored / failed with the mapping missing', `${out.runs_migrated} / ${out.runs_restored} / ${out.runs_failed_mapping_missing}`],
    ['fault storm: restores from transient states', String(out.restores_from_transient_states)],
    ['fault storm: cancels drawn / sent / runs ended cancelled', `${out.storm_cancels_drawn} / ${out.storm_cancels_sent} / ${out.runs_cancelled}`],
    ['faults injected', String(out.faults_injected)],
    ['fuzz cases failed', `${out.fuzz_failures} / ${out.fuzz_cases}`],
  ];
  process.stdout.write(`\nnatmigrate chaos — ${m.date} — ${m.machine}\n\n${table(rows)}\n`);
  const lossFailed = loss.filter((r) => !r.ok);
  if (lossFailed.length) process.stdout.write(`\nfailed redis-loss points:\n${lossFailed.map((r) => `  ${r.flow} ${r.point}: ${r.problems.join(' | ')}`).join('\n')}\n`);
  const pauseFailed = pause.filter((r) => !r.ok);
  if (pauseFailed.length) process.stdout.write(`\nfailed pause points:\n${pauseFailed.map((r) => `  ${r.flow} ${r.point}: ${r.problems.join(' | ')}`).join('\n')}\n`);
  if (failed.length) process.stdout.write(`\nfailed crash points:\n${failed.map((r) => `  ${r.flow} ${r.point}: ${r.problems.join(' | ')}`).join('\n')}\n`);
  process.stdout.write(`\n${jsonLine(out)}\n`);
}
