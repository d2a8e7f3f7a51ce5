import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/domain/command.ts';
import { readSubmission } from '../../src/slack/modal/modal-submission.ts';

/** The start form's submission read as the command it stands for (pure): the same words, the same parser. */

const sel = (...ids: string[]) => ({ type: 'multi_static_select', selected_options: ids.map((value) => ({ value })) });
const text = (value: string) => ({ type: 'plain_text_input', value });
const meta = JSON.stringify({ region: 'cn-hangzhou', target: 'ngw-abcdef001', listed: ['i-aaaaaa01', 'i-aaaaaa02'] });
const base = {
  channel: { channel: { type: 'conversations_select', selected_conversation: 'C0OPS' } },
  region: { region: text('cn-hangzhou') },
  target: { natmigrate_target: { type: 'external_select', selected_option: { value: 'ngw-abcdef001' } } },
  ports: { ports: text('any') },
};

describe('readSubmission', () => {
  it.each([
    ['one instance', { instances: { instances: sel('i-aaaaaa01') } }, 'run i-aaaaaa01 --region cn-hangzhou --ports any'],
    ['a subset, with --configure-guest and ports', { instances: { instances: sel('i-aaaaaa02') }, ports: { ports: text('22,443') }, options: { options: { type: 'checkboxes', selected_options: [{ value: 'configure-guest' }] } } },
      'run i-aaaaaa02 --region cn-hangzhou --ports 22,443 --configure-guest'],
    ['all listed instances, no knobs: run over the ids', { instances: { instances: sel('i-aaaaaa01', 'i-aaaaaa02') } }, 'run i-aaaaaa01 i-aaaaaa02 --region cn-hangzhou --ports any'],
    ['all listed instances with canary and concurrency: the whole gateway', { instances: { instances: sel('i-aaaaaa01', 'i-aaaaaa02') }, canary: { canary: text('1') }, concurrency: { concurrency: text('4') } },
      'run --all ngw-abcdef001 --region cn-hangzhou --ports any --canary 1 --concurrency 4'],
  ])('%s', (_name, over, expected) => {
    const r = readSubmission({ ...base, ...over } as never, meta, 'en');
    expect(r).toEqual({ ok: true, text: expected, channelId: 'C0OPS', region: 'cn-hangzhou' });
    // The text is a command the slash command's parser takes as is.
    expect(parseCommand(expected).ok).toBe(true);
  });

  it.each([
    ['no target picked yet', { target: {} }, 'target', /Pick a NAT gateway or VPC first/],
    ['nothing selected', { instances: { instances: sel() } }, 'instances', /Select at least one instance/],
    ['canary for a subset', { instances: { instances: sel('i-aaaaaa01') }, canary: { canary: text('2') } }, 'canary', /whole NAT gateway or VPC/],
    ['a bad port list, refused by the parser', { instances: { instances: sel('i-aaaaaa01') }, ports: { ports: text('22,http') } }, 'ports', /port/i],
    ['a bad region, refused by the parser', { instances: { instances: sel('i-aaaaaa01') }, region: { region: text('Tokyo!') } }, 'region', /region/i],
  ])('%s: refused under its field', (_name, over, block, message) => {
    const r = readSubmission({ ...base, ...over } as never, meta, 'en');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[block]).toMatch(message);
  });

  it('speaks the person\'s language', () => {
    const r = readSubmission({ ...base, instances: { instances: sel() } } as never, meta, 'ja');
    expect(r).toEqual({ ok: false, errors: { instances: 'インスタンスを 1 台以上選択してください。' } });
  });

  it.each([
    ['ports', { ports: { ports: text('22,http') } }, 'http はポートではありません。--ports には any か、1〜65535 のTCPポート番号をカンマ区切りで指定します（例: 22,443）。'],
    ['ports', { ports: { ports: text('22-80') } }, '22-80 のようなポートの範囲指定には対応していません。ポートを列挙する（20 個まで）か、--ports any を使ってください。'],
    ['region', { region: { region: text('Tokyo!') } }, 'Tokyo! は Alibaba Cloud のリージョンIDの形式ではありません（cn-hangzhou、ap-southeast-1、us-west-1 のような形式です）。'],
    ['concurrency', { instances: { instances: sel('i-aaaaaa01', 'i-aaaaaa02') }, canary: { canary: text('1') }, concurrency: { concurrency: text('99') } }, '--concurrency は 1〜20 の範囲で指定してください（指定された値: 99）。'],
  ])('the parser\'s refusal under the %s field is in the person\'s language too', (block, over, message) => {
    const r = readSubmission({ ...base, instances: { instances: sel('i-aaaaaa01') }, ...over } as never, meta, 'ja');
    expect(r).toEqual({ ok: false, errors: { [block]: message } });
  });
});
