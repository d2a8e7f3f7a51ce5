import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_INSTANCES, helpText, normalizeCommandText, parseCommand, parsePorts, type ParseResult } from '../../src/domain/command.ts';
import { msg } from '../../src/i18n/catalog.ts';

/** A refusal's English, as the catalog words it from the parser's code and facts. */
const english = (r: ParseResult) => (r.ok ? '' : msg('en').commandRefusal({ refusal: r.refusal }));

const I1 = 'i-bp1aaaaaaaaaaaaaaaaa';
const I2 = 'i-bp1bbbbbbbbbbbbbbbbb';
const I3 = 'i-bp1ccccccccccccccccc';
const NGW = 'ngw-bp1ngw000000000000';
const VPC = 'vpc-bp1vpc000000000000';
const JOB = `migrate-cn-hangzhou-${I1}`;
const ALL = { ports: { kind: 'all' }, configureGuest: false };

type Row = [string, { ok: true; command: unknown } | { ok: false; error: RegExp }];
const ok = (command: unknown): Row[1] => ({ ok: true, command });
const err = (error: RegExp): Row[1] => ({ ok: false, error });

const rows: Row[] = [
  // help
  ['', ok({ kind: 'help' })],
  ['   ', ok({ kind: 'help' })],
  ['help', ok({ kind: 'help' })],
  ['HELP', ok({ kind: 'help' })],
  ['help run', ok({ kind: 'help', topic: 'run' })],
  ['--help', ok({ kind: 'help' })],
  // plan
  [`plan ${I1}`, ok({ kind: 'plan', instanceId: I1, options: ALL })],
  [`Plan ${I1}`, ok({ kind: 'plan', instanceId: I1, options: ALL })],
  [`  plan   ${I1}  `, ok({ kind: 'plan', instanceId: I1, options: ALL })],
  [`plan\u00a0${I1}`, ok({ kind: 'plan', instanceId: I1, options: ALL })],
  [`plan “${I1}”`, ok({ kind: 'plan', instanceId: I1, options: ALL })],
  [`plan \`${I1}\``, ok({ kind: 'plan', instanceId: I1, options: ALL })],
  [`plan <mailto:${I1}|${I1}>`, ok({ kind: 'plan', instanceId: I1, options: ALL })],
  [`plan ${I1} --region ap-southeast-1`, ok({ kind: 'plan', instanceId: I1, region: 'ap-southeast-1', options: ALL })],
  [`plan ${I1} --region=us-west-1`, ok({ kind: 'plan', instanceId: I1, region: 'us-west-1', options: ALL })],
  [`plan --region cn-hangzhou ${I1}`, ok({ kind: 'plan', instanceId: I1, region: 'cn-hangzhou', options: ALL })],
  [`plan ${I1} —region cn-hangzhou`, ok({ kind: 'plan', instanceId: I1, region: 'cn-hangzhou', options: ALL })],
  [`plan ${I1} --ports 22,443`, ok({ kind: 'plan', instanceId: I1, options: { ports: { kind: 'list', ports: [22, 443] }, configureGuest: false } })],
  [`plan ${I1} --ports=ANY --configure-guest`, ok({ kind: 'plan', instanceId: I1, options: { ports: { kind: 'all' }, configureGuest: true } })],
  [`plan ${I1} --configure-guest=false`, ok({ kind: 'plan', instanceId: I1, options: ALL })],
  [`plan ${I1} --vswitch vsw-bp1vsw222222222222 --security-groups sg-bp1sg00000000000000,sg-bp1sg11111111111111`, ok({
    kind: 'plan', instanceId: I1,
    options: { ports: { kind: 'all' }, configureGuest: false, vSwitchId: 'vsw-bp1vsw222222222222', securityGroupIds: ['sg-bp1sg00000000000000', 'sg-bp1sg11111111111111'] },
  })],
  ['plan', err(/^Missing instance id: `\/natmigrate plan <instance-id>`/)],
  ['plan i-123', err(/^`i-123` does not look like an ECS instance id \(expected i- followed by 20-ish lowercase letters\/digits\)/)],
  ['plan I-BP1AAAAAAAAAAAAAAAAA', err(/has upper-case letters; Alibaba ECS instance ids are lower-case \(did you mean `i-bp1aaaaaaaaaaaaaaaaa`\?\)/)],
  [`plan ${I1} ${I2}`, err(/`plan` takes one instance id \(got 2\); use `run`/)],
  [`plan ${VPC}`, err(/is a VPC id; `plan` takes ECS instance ids .* use `\/natmigrate scan vpc-/)],
  [`plan ${I1} --region`, err(/^`--region` needs a value, e.g. `--region cn-hangzhou`/)],
  [`plan ${I1} --region --ports 22`, err(/^`--region` needs a value/)],
  [`plan ${I1} --region=`, err(/^`--region` needs a value/)],
  [`plan ${I1} --region hangzhou`, err(/`hangzhou` does not look like an Alibaba Cloud region id/)],
  [`plan ${I1} --prots 22`, err(/^Unknown flag `--prots`; did you mean `--ports`\?/)],
  [`plan ${I1} --frobnicate`, err(/^Unknown flag `--frobnicate`\./)],
  [`plan ${I1} -ports 22`, err(/^Flags start with two dashes: write `--ports`/)],
  [`plan ${I1} --ports 22 --ports 443`, err(/^`--ports` is given twice/)],
  [`plan ${I1} --region cn-hangzhou --REGION cn-hangzhou`, err(/^`--region` is given twice/)],
  [`plan ${I1} --configure-guest=maybe`, err(/^`--configure-guest` takes no value/)],
  [`run ${I1} --verify-port 443`, ok({ kind: 'run', instanceIds: [I1], options: { ports: { kind: 'all' }, configureGuest: false, verifyPort: 443 } })],
  [`plan ${I1} --verify-port=8443`, ok({ kind: 'plan', instanceId: I1, options: { ports: { kind: 'all' }, configureGuest: false, verifyPort: 8443 } })],
  [`run ${I1} --verify-port 70000`, err(/^`--verify-port` takes a TCP port from 1 to 65535, not `70000`/)],
  [`run ${I1} --verify-port ssh`, err(/^`--verify-port` takes a TCP port/)],
  [`plan ${I1} --concurrency 2`, err(/^`--concurrency` only applies to `run --all`/)],
  [`plan ${I1} --all`, err(/^`--all` does not apply to `plan`/)],
  // ports garbage
  [`plan ${I1} --ports 22,abc`, err(/^`abc` is not a port; `--ports` takes `any` or TCP port numbers from 1 to 65535/)],
  [`plan ${I1} --ports 0`, err(/^Port 0 is out of range/)],
  [`plan ${I1} --ports 70000`, err(/^Port 70000 is out of range/)],
  [`plan ${I1} --ports 1000-2000`, err(/^Port ranges such as `1000-2000` are not supported/)],
  [`plan ${I1} --ports ,`, err(/^`--ports` needs `any` or a list/)],
  [`plan ${I1} --ports ${Array.from({ length: 21 }, (_, i) => 1000 + i).join(',')}`, err(/lists 21 ports; at most 20/)],
  [`plan ${I1} --vswitch vpc-bp1vpc000000000000`, err(/is a VPC id, but a vSwitch id \(vsw-…\) was expected/)],
  // run
  [`run ${I1}`, ok({ kind: 'run', instanceIds: [I1], options: ALL })],
  [`RUN ${I1} ${I2} ${I1} ${I3}`, ok({ kind: 'run', instanceIds: [I1, I2, I3], options: ALL })],
  [`run ${I1},${I2}, ${I3}`, ok({ kind: 'run', instanceIds: [I1, I2, I3], options: ALL })],
  [`run ${I1} —ports 22, 443 --configure-guest`, ok({ kind: 'run', instanceIds: [I1], options: { ports: { kind: 'list', ports: [22, 443] }, configureGuest: true } })],
  [`run ${I1} --ports 443,22,443`, ok({ kind: 'run', instanceIds: [I1], options: { ports: { kind: 'list', ports: [443, 22] }, configureGuest: false } })],
  [`run ${I1} --ports 22 ,443`, ok({ kind: 'run', instanceIds: [I1], options: { ports: { kind: 'list', ports: [22, 443] }, configureGuest: false } })],
  ['run', err(/^Missing instance id: `\/natmigrate run <instance-id> \[more ids\]`/)],
  [`run ${I1} i-bad`, err(/^`i-bad` does not look like an ECS instance id/)],
  [`run ${Array.from({ length: MAX_INSTANCES + 1 }, (_, i) => `i-bp1${String(i).padStart(17, '0')}`).join(' ')}`, err(/^Too many instances: 51 \(at most 50 per command\)/)],
  [`run ${I1} --canary 1`, err(/^`--canary` only applies to `run --all/)],
  [`run ${NGW}`, err(/is a NAT gateway id; `run` takes ECS instance ids .* `\/natmigrate run --all ngw-/)],
  // batch
  [`run --all ${NGW}`, ok({ kind: 'batch', targets: [NGW], options: ALL })],
  [`run --all ${NGW} ${VPC} ${NGW} --canary 2 --concurrency=4 --region cn-hangzhou`, ok({ kind: 'batch', targets: [NGW, VPC], region: 'cn-hangzhou', options: ALL, canary: 2, concurrency: 4 })],
  [`run --all=${NGW}`, ok({ kind: 'batch', targets: [NGW], options: ALL })],
  ['run --all', err(/^Missing target: `\/natmigrate run --all <ngw-id\|vpc-id> \[more\]`/)],
  [`run --all ${I1}`, err(/is an instance id; `run --all` takes NAT gateway or VPC ids/)],
  [`run --all ngw-1`, err(/`ngw-1` does not look like a NAT gateway id .* or a VPC id/)],
  [`run --all ${NGW} --concurrency 0`, err(/^`--concurrency` must be from 1 to 20 \(got 0\)/)],
  [`run --all ${NGW} --canary x`, err(/^`--canary` takes a whole number from 1 to 20, not `x`/)],
  // status / cancel / rollback
  ['status', ok({ kind: 'status' })],
  [`status ${JOB}`, ok({ kind: 'status', target: { kind: 'job', jobId: JOB } })],
  [`status ${I1}`, ok({ kind: 'status', target: { kind: 'instance', instanceId: I1 } })],
  ['status foo', err(/^`foo` is neither a job id .* nor an instance id/)],
  [`status ${JOB} ${I1}`, err(/takes at most one/)],
  [`cancel ${JOB}`, ok({ kind: 'cancel', jobId: JOB })],
  [`rollback ${JOB} --region cn-hangzhou`, ok({ kind: 'rollback', jobId: JOB, region: 'cn-hangzhou' })],
  ['cancel', err(/^Missing job id: `\/natmigrate cancel <job-id>`/)],
  [`cancel ${I1}`, err(/is an instance id; `cancel` takes a job id such as `migrate-<region>-i-bp1aaaaaaaaaaaaaaaaa` — `\/natmigrate status i-bp1aaaaaaaaaaaaaaaaa` shows it/)],
  ['rollback migrate:cn-hangzhou:x', err(/does not look like a job id/)],
  [`rollback ${JOB} ${JOB}`, err(/takes one job id \(got 2\)/)],
  [`cancel ${JOB} --ports 22`, err(/`--ports` does not apply to `cancel`/)],
  // scan
  [`scan ${NGW}`, ok({ kind: 'scan', target: NGW, scanTarget: { kind: 'natGateway', natGatewayId: NGW } })],
  [`scan ${VPC} --region cn-hangzhou`, ok({ kind: 'scan', target: VPC, scanTarget: { kind: 'vpc', vpcId: VPC }, region: 'cn-hangzhou' })],
  ['scan', err(/^Missing target: `\/natmigrate scan <ngw-id\|vpc-id>`/)],
  [`scan ${I1}`, err(/is an instance id; `scan` takes a NAT gateway or VPC id/)],
  ['scan vpc-x', err(/`vpc-x` does not look like a VPC id/)],
  [`scan ${NGW} ${VPC}`, err(/takes one NAT gateway or VPC id \(got 2\)/)],
  // unknown subcommands
  ['rnu i-bp1aaaaaaaaaaaaaaaaa', err(/^Unknown subcommand `rnu`; did you mean `run`\?/)],
  ['stauts', err(/^Unknown subcommand `stauts`; did you mean `status`\?/)],
  ['rolback x', err(/did you mean `rollback`/)],
  ['migrate i-bp1aaaaaaaaaaaaaaaaa', err(/^Unknown subcommand `migrate`; did you mean `run`\?/)],
  ['undo x', err(/did you mean `rollback`/)],
  ['xyzzy', err(/^Unknown subcommand `xyzzy`; try one of `help`, `plan`, `run`/)],
  [I1, err(/^Missing subcommand: try `\/natmigrate plan i-bp1aaaaaaaaaaaaaaaaa`/)],
  // garbage
  ['<@U123|bob> plan', err(/^Unknown subcommand `bob`/)],
  ['🚀🚀🚀', err(/^Unknown subcommand/)],
  ['plan ``` ```', err(/^Missing instance id/)],
  ['x'.repeat(5000), err(/keep it under 4000/)],
];

describe('parseCommand', () => {
  it('has a big table', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });

  it.each(rows)('%j', (text, expected) => {
    const r = parseCommand(text);
    if (expected.ok) {
      expect(r).toEqual(expected);
    } else {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(english(r)).toMatch(expected.error);
    }
  });

  it('--accept-port: repeatable and comma lists, sorted and deduplicated; only on plan and run; ports only', () => {
    const r = parseCommand('run i-bp1aaaaaaaaaaaaaaaaa --accept-port 8080 --accept-port 25,443 --accept-ports=25');
    expect(r).toMatchObject({ ok: true, command: { options: { acceptPorts: [25, 443, 8080] } } });
    expect(parseCommand('plan i-bp1aaaaaaaaaaaaaaaaa --accept-port 25')).toMatchObject({ ok: true, command: { options: { acceptPorts: [25] } } });
    expect(english(parseCommand('run i-bp1aaaaaaaaaaaaaaaaa --accept-port 70000'))).toMatch(/--accept-port` takes TCP ports from 1 to 65535/);
    expect(parseCommand('run i-bp1aaaaaaaaaaaaaaaaa --accept-port http')).toMatchObject({ ok: false });
    expect(english(parseCommand('status --accept-port 25'))).toMatch(/does not apply to `status`/);
  });

  it('never throws and always answers (property: arbitrary strings)', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), (s) => {
      const r = parseCommand(s);
      if (r.ok) expect(r.command).toBeDefined();
      else {
        expect(english(r).length).toBeGreaterThan(0);
        expect(r.refusal.code).not.toBe('internal');
      }
    }), { numRuns: 2000 });
  });

  it('never throws on near-miss commands built from real words (property)', () => {
    const word = fc.constantFrom(
      'plan', 'run', 'status', 'cancel', 'rollback', 'scan', 'help', 'PLAN', '--all', '--ports', '--ports=', '--region', '--region=',
      '--configure-guest', '--configure-guest=', '--canary', '--concurrency=', '—ports', '-ports', '--', '-', '=', ',', '22,443', 'any',
      I1, I2, NGW, VPC, JOB, 'i-123', 'cn-hangzhou', '<mailto:x|y>', '<', '>', '|', '“', '’', '\u00a0', '&amp;', '0', '65536', '1-2',
    );
    fc.assert(fc.property(fc.array(fc.oneof(word, fc.string({ maxLength: 8 })), { maxLength: 12 }), (parts) => {
      const r = parseCommand(parts.join(' '));
      if (!r.ok) {
        expect(english(r).length).toBeGreaterThan(0);
        expect(r.refusal.code).not.toBe('internal');
      }
    }), { numRuns: 3000 });
  });

  it('treats non-strings as an error', () => {
    expect(parseCommand(undefined)).toMatchObject({ ok: false });
    expect(parseCommand(42)).toMatchObject({ ok: false });
  });
});

describe('helpers', () => {
  it('normalizes Slack formatting', () => {
    expect(normalizeCommandText('run &lt;x&gt; <http://a.b|a.b> “q” —ports')).toBe('run <x> a.b q --ports');
    expect(normalizeCommandText('plan\u200b i\u2011bp1')).toBe('plan i-bp1');
    expect(normalizeCommandText('ｐｌａｎ')).toBe('plan');
  });

  it('parses ports', () => {
    expect(parsePorts('any')).toEqual({ ok: true, ports: { kind: 'all' } });
    expect(parsePorts('*')).toEqual({ ok: true, ports: { kind: 'all' } });
    expect(parsePorts('22,22,80')).toEqual({ ok: true, ports: { kind: 'list', ports: [22, 80] } });
    expect(parsePorts('-1')).toMatchObject({ ok: false });
  });

  it('help text lists every subcommand', () => {
    for (const s of ['help', 'plan', 'run', 'status', 'cancel', 'rollback', 'scan', '--ports', '--configure-guest', '--region', '--all']) {
      expect(helpText).toContain(s);
    }
  });
});
