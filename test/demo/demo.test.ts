import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { freePort, redisAnswers } from '../../src/demo/redis.ts';
import { defaultScenario } from '../../src/sandbox/index.ts';

/**
 * `natmigrate demo` as a user runs it: a child process, its own exit code and output, nothing shared with the test
 * but Redis. Each run takes a few seconds (real bot, worker, sandbox with non-zero latencies).
 */

const REDIS_URL = 'redis://127.0.0.1:6379';
const TARGET = 'i-bp1web01000000000001';
const REFUSED = 'i-bp1legacy0000000004';
const SNAT_IP = defaultScenario.snatEntries[0]!.snatIp;
const MAPPING = defaultScenario.dnatEntries.find((d) => d.internalIp === defaultScenario.instances.find((i) => i.instanceId === TARGET)!.privateIp)!;

interface Run { code: number | null; stdout: string; stderr: string; ms: number }

function demo(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/natmigrate.js', 'demo', ...args], {
      env: { ...process.env, REDIS_URL, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    // No kill here: a demo that does not exit by itself must fail the test (by its timeout).
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
}

/** The job's thread as printed, i.e. everything after its heading. */
const threadOf = (stdout: string) => stdout.slice(stdout.indexOf("══ the job's thread"));

/** One Japanese run, shared by the cases that read it (its transcript on stdout, its progress on stderr). */
let jaRun: Promise<Run> | undefined;
const demoJa = () => (jaRun ??= demo(['--lang', 'ja']));

// Each case is its own process with its own Redis prefix (or private server): they run side by side.
describe.concurrent('npm run demo', () => {
  it('migrates and verifies the default instance, prints the session, exits 0 by itself, leaves no keys', async () => {
    const r = await demo([]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);

    // The session in #ops: a refused slip, the refused dry run, the dry run of the target, the run.
    expect(r.stdout).toMatch(/alice {7}\/natmigrate migrate i-bp1web01000000000001\n.*only visible to alice\) ⚠️ Unknown subcommand `migrate`/);
    expect(r.stdout).toMatch(new RegExp(`Pre-flight refused\\* — \`NoSnatCoverage\`\\n.*${REFUSED}`));
    expect(r.stdout).toContain(`Dry run: plan for ${TARGET}`);
    expect(r.stdout).toMatch(new RegExp(`alice {7}/natmigrate run ${TARGET}\\n`));

    const thread = threadOf(r.stdout);
    // The approver, not the requester, approved, by clicking the card; the card says so.
    expect(thread).toMatch(/\d\d:\d\d:\d\d\.\d{3} {2}bob {9}clicked \[Approve\] on the approval card/);
    expect(thread).toContain('*Approved* by @bob');
    // The original DNAT entry, saved (in full) before the delete.
    expect(thread).toMatch(new RegExp(`Original DNAT entry saved\\* \\(it is deleted next\\):\\n.*entry \`${MAPPING.forwardEntryId}\`.*\`${MAPPING.externalIp.replace(/\./g, '\\.')}:any\` → \`${MAPPING.internalIp.replace(/\./g, '\\.')}:any\``));
    // The evidence: banner through the EIP, observed egress IP equal to the scenario's SNAT IP, RequestIds.
    expect(thread).toMatch(/Verification passed\*[^\n]*\n.*\*SSH\* `203\.0\.113\.10:22` after \d+ attempts?: banner `SSH-2\.0-OpenSSH_8\.0`/);
    expect(thread).toContain(`*Egress IP* observed \`${SNAT_IP}\`, expected \`${SNAT_IP}\``);
    expect(thread).toMatch(/ModifyForwardEntry OK \(RequestId `[0-9A-F-]{36}`\)/);
    // Order as it happened: approval, then the delete, then the verification, then the end.
    const at = (s: string) => thread.indexOf(s);
    expect(at('clicked [Approve]')).toBeLessThan(at('*Move the DNAT IP mapping to the ENI in place (ModifyForwardEntry)*'));
    expect(at('*Move the DNAT IP mapping to the ENI in place (ModifyForwardEntry)*')).toBeLessThan(at('Verification passed'));
    expect(at('Verification passed')).toBeLessThan(at('*Finished*'));

    // The summary, checked against the sandbox world by the demo itself.
    expect(r.stdout).toMatch(new RegExp(`^egress {7}observed ${SNAT_IP} by the engine, ${SNAT_IP} in the world; SNAT IP ${SNAT_IP} ✔$`, 'm'));
    expect(r.stdout).toMatch(/^job {10}migrate-cn-hangzhou-i-bp1web01000000000001-\d+ — requested by alice, approved by bob; outcome migrated$/m);
    expect(r.stdout).toMatch(new RegExp(`^RESULT: PASS — ${TARGET} migrated and verified in [\\d.]+ s: 203\\.0\\.113\\.10 → eni-\\w+, SSH answers via the EIP, egress ${SNAT_IP} = SNAT IP$`, 'm'));

    // Next to it, the Windows instance: run with --configure-guest (its new NIC lands in the Public profile, which
    // blocks IIS on 80), verified with PowerShell and RDP, checked against the world by the demo.
    expect(r.stdout).toMatch(/alice {7}\/natmigrate run i-bp1win01000000000005 --configure-guest\n/);
    const win = r.stdout.slice(r.stdout.indexOf("══ the Windows job's thread"));
    expect(win).toMatch(/TCP 80 `http` on `0\.0\.0\.0`: fixed by --configure-guest: the new NIC \(Ethernet 2\) lands in an unidentified network with the Public firewall profile/);
    expect(win).toMatch(/banner: `RDP answered \(\d+ bytes?\)` · observedIp: `203\.0\.113\.20`/);
    expect(win).toMatch(/80 +http +yes +yes/);
    expect(r.stdout).toMatch(/^windows {6}win-01 i-bp1win01000000000005: migrated; 203\.0\.113\.13 → eni-\w+, RDP \(3389\) answers via the EIP, egress 203\.0\.113\.20 = SNAT IP ✔$/m);
    expect(r.stdout).toMatch(/^ {2}and i-bp1win01000000000005 \(win-01, Windows, --configure-guest\) migrated and verified: 203\.0\.113\.13 → eni-\w+, RDP answers via the EIP, egress 203\.0\.113\.20 = SNAT IP$/m);

    // Progress while it ran, and a clean exit.
    expect(r.stderr).toMatch(/^▶ starting sandbox cloud \(default scenario\)… ok \(127\.0\.0\.1:\d+/m);
    expect(r.stderr).toMatch(/^… waiting for the approval card…/m);
    expect(r.stderr).toMatch(/^▶ bob clicks Approve on the approval card$/m);
    expect(r.stderr).toMatch(/^▶ alice: \/natmigrate migrate i-bp1web01000000000001 {3}\(wrong subcommand\)$/m);
    expect(r.stderr).toMatch(/^ {2}↳ only to alice: :warning: Unknown subcommand `migrate`/m);
    expect(r.stderr).toMatch(/^ {2}done \(outcome migrated, [\d.]+ s\)$/m);
    expect(r.stderr).toMatch(/^▶ starting simulated Slack workspace… ok \(http:\/\/127\.0\.0\.1:\d+, #ops with @alice \(requester\) and @bob \(approver\)\)$/m);
    expect(r.stderr).toMatch(/^▶ cleaning up .*… ok$/m);
    expect(r.stderr).not.toContain('still running');

    // Its queue prefix is gone from Redis.
    const prefix = /BullMQ queue (\{natmigrate-demo-[0-9a-f]+\}):migrations/.exec(r.stderr)?.[1];
    expect(prefix).toBeDefined();
    const redis = new Redis(REDIS_URL);
    try {
      const [, keys] = await redis.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 10_000);
      expect(keys).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('--lang ja: the whole session in Japanese (channel, thread, private answers, summary), identifiers and command words as they are', async () => {
    const r = await demoJa();
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;
    expect(r.stdout).toContain('══ シミュレートしたワークスペースの #ops');
    expect(r.stdout).toMatch(/alice {7}\/natmigrate migrate i-bp1web01000000000001\n.*（alice だけに表示） ⚠️ コマンドを読み取れませんでした: サブコマンド `migrate` はありません。`run` のことですか？/);
    expect(r.stdout).toMatch(/⛔ \*事前チェックで拒否されました\* — `NoSnatCoverage`/);
    expect(r.stdout).toContain(`ドライラン: ${TARGET} のプラン`);
    expect(r.stdout).toMatch(new RegExp(`（alice だけに表示） \`cn-hangzhou\` で 1 件中 1 件の移行をキューに追加しました:\\n.*\`${TARGET}\`: \`migrate-cn-hangzhou-${TARGET}-\\d+\` としてキューに追加しました`));
    expect(r.stdout).toContain('══ ジョブのスレッド（時刻 UTC、発言者、内容）');
    const thread = r.stdout.slice(r.stdout.indexOf('══ ジョブのスレッド'));
    expect(thread).toMatch(/\d\d:\d\d:\d\d\.\d{3} {2}bob {9}承認カードの \[Approve\] をクリック/);
    expect(thread).toContain('@bob が*承認*しました');
    expect(thread).toMatch(new RegExp(`元のDNATエントリを保存しました\\*（次に削除します）:\\n.*エントリ \`${MAPPING.forwardEntryId}\``));
    expect(thread).toMatch(/\*DNAT IPマッピングをその場でENIに移動（ModifyForwardEntry）\*[\s\S]*ModifyForwardEntry OK \(RequestId `[0-9A-F-]{36}`\)/);
    expect(thread).toContain(`*送信元IP* 観測値 \`${SNAT_IP}\`、期待値 \`${SNAT_IP}\``);
    expect(thread).toMatch(/🏁 \*完了\* \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} UTC: \*✅ 移行と検証が完了\*/);
    // Every message natmigrate wrote starts in Japanese; times the way Japan writes them, with the zone.
    const heads = r.stdout.split('\n').filter((l) => /^\d\d:\d\d:\d\d\.\d{3} {2}natmigrate /.test(l));
    expect(heads.length).toBeGreaterThan(10);
    for (const h of heads) expect(h).toMatch(japanese);
    expect(r.stdout).not.toMatch(/[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}:\d{2} UTC/);
    expect(r.stdout).toMatch(new RegExp(`^送信元IP {6}エンジンの観測値 ${SNAT_IP}、ワールドでは ${SNAT_IP}。SNAT IP ${SNAT_IP} ✔$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^RESULT: PASS — ${TARGET} の移行と検証が完了（[\\d.]+ s）: 203\\.0\\.113\\.10 → eni-\\w+、EIP経由でSSHが応答、送信元IP ${SNAT_IP} = SNAT IP$`, 'm'));
    // The default stays English (the case above), and a language it does not speak is refused before anything starts.
    const bad = await demo(['--lang', 'fr']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--lang fr: expected en or ja');
  });

  it('--lang ja: the progress lines on stderr are Japanese too; identifiers, commands and data as they are', async () => {
    const r = await demoJa();
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(20);
    expect(r.stderr).toMatch(/^▶ サンドボックスクラウドを起動しています（既定のシナリオ）… OK（127\.0\.0\.1:\d+、パブリックエッジ 127\.0\.0\.1:\d+）$/m);
    expect(r.stderr).toMatch(/^▶ alice: \/natmigrate migrate i-bp1web01000000000001 {3}（サブコマンドの誤り）$/m);
    expect(r.stderr).toMatch(/^ {2}↳ alice だけに表示: :warning: コマンドを読み取れませんでした/m);
    expect(r.stderr).toMatch(/^▶ bob が承認カードの Approve をクリックします$/m);
    expect(r.stderr).toMatch(/^ {2}完了（結果 migrated、[\d.]+ s）$/m);
    expect(r.stderr).toMatch(/^▶ 後片付けをしています（.*）… OK$/m);
    // What is left once identifiers, commands and data are taken out: product and protocol names, codes — no
    // English word of a sentence (each line the demo words itself, all but a plain typed command, is in Japanese).
    const names = new Set(['Redis', 'OK', 'Slack', 'alice', 'bob', 'BullMQ', 'Bolt', 'HTTPReceiver', 'ops', 's', 'UTC', 'ENI', 'InUse',
      'natmigrate', 'Approve', 'DNAT', 'IP', 'EIP', 'SSH', 'RDP', 'SNAT', 'Available', 'migrated',
      // API names the Japanese step titles keep (the in-place move: 「…（ModifyForwardEntry）」), shown when a progress
      // line catches that step.
      'ModifyForwardEntry', 'StartInstance']);
    for (const line of lines) {
      const rest = line.replace(/`[^`]*`?/g, ' ').replace(/:[a-z_]+:/g, ' ').replace(/https?:\/\/\S+/g, ' ')
        .replace(/\/natmigrate( [a-z]+)*/g, ' ').replace(/--[a-z-]+/g, ' ').replace(/\S*\d\S*/g, ' ');
      const english = [...rest.matchAll(/[A-Za-z][A-Za-z'-]*/g)].map((m) => m[0]).filter((w) => !names.has(w));
      expect(english, line).toEqual([]);
      if (/^[▶…]/.test(line) && !/^▶ \w+: \/natmigrate [^（]*$/.test(line)) expect(line, line).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    }
  });

  it('--instance naming the instance the pre-flight refuses: exit 1 with the refusal reason, nothing approved', async () => {
    const r = await demo(['--instance', REFUSED, '--quiet']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^RESULT: FAIL — the pre-flight refused ${REFUSED}: NoSnatCoverage — No Available SNAT entry covers instance ${REFUSED}`, 'm'));
    expect(threadOf(r.stdout)).toContain('Refused by the pre-flight; nothing changed');
    expect(r.stdout).not.toContain('clicked [Approve]');
    expect(r.stdout).not.toContain('RESULT: PASS');
    expect(r.stderr).toBe(''); // --quiet
  });

  it('when REDIS_URL does not answer, starts a private redis-server and stops it at the end', async () => {
    const dead = await freePort();
    const r = await demo(['--instance', REFUSED], { REDIS_URL: `redis://127.0.0.1:${dead}` });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1); // the refusal, not a Redis problem
    expect(r.stderr).toContain(`nothing answered at redis://127.0.0.1:${dead}; starting a private`);
    const port = Number(/private redis-server on 127\.0\.0\.1:(\d+)/.exec(r.stderr)?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(r.stdout).toContain(`RESULT: FAIL — the pre-flight refused ${REFUSED}`);
    expect(await redisAnswers(`redis://127.0.0.1:${port}`, 500)).toBe(false);
  });

  it('without any Redis it says exactly how to get one and exits 1', async () => {
    const dead = await freePort();
    const r = await demo([], { REDIS_URL: `redis://127.0.0.1:${dead}`, PATH: '/nonexistent' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`RESULT: FAIL — natmigrate demo needs Redis 7 and nothing answered at redis://127.0.0.1:${dead}`);
    expect(r.stdout).toContain('apt-get install -y redis-server');
    expect(r.stdout).toContain('docker run -d --name natmigrate-redis -p 6379:6379 redis:7');
  });

  it('--lang ja: why it could not run is in Japanese too (an unknown instance, no Redis), the commands as they are', async () => {
    const r = await demo(['--lang', 'ja', '--instance', 'i-nope', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^RESULT: FAIL — --instance i-nope: シナリオにそのインスタンスはありません（あるのは i-bp1web01000000000001、/m);
    expect(r.stdout).not.toContain('no such instance');
    const dead = await freePort();
    const none = await demo(['--lang', 'ja'], { REDIS_URL: `redis://127.0.0.1:${dead}`, PATH: '/nonexistent' });
    expect(none.code).toBe(1);
    expect(none.stdout).toContain(`RESULT: FAIL — natmigrate demo には Redis 7 が必要ですが、redis://127.0.0.1:${dead} から応答がなく`);
    expect(none.stdout).toContain('sudo apt-get install -y redis-server');
    expect(none.stdout).not.toMatch(/needs Redis|Get one of these|install it/);
    expect(none.stderr).toMatch(new RegExp(`^▶ redis://127\\.0\\.0\\.1:${dead} のRedisに接続しています… 失敗$`, 'm'));
  });

  it('rejects an unknown instance and a bad scenario with exit 2 before touching anything', async () => {
    const r = await demo(['--instance', 'i-nope', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('--instance i-nope: no such instance in the scenario');

    const dir = mkdtempSync(join(tmpdir(), 'natmigrate-demo-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ vpcs: [{ vpcId: 'vpc-1', cidr: '10.0.0.0/33' }], natGatways: [] }));
    try {
      const bad = await demo(['--scenario', file]);
      expect(bad.code).toBe(2);
      expect(bad.stdout).toMatch(/RESULT: FAIL — invalid scenario file .*bad\.json:\n {2}- vpcs\[0\]\.cidr: .*\n {2}- .*natGatways/);
      expect(bad.stderr).not.toContain('connecting to Redis');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
