import { describe, expect, it } from 'vitest';
import { checkClickLocation, type CardPlace, type ClickPlace } from '../../src/slack/click-location.ts';

const JOB = 'migrate-cn-hangzhou-i-bp1aaaaaaaaaaaaaaaaa';
const card = (p: Partial<CardPlace> = {}): CardPlace => ({ jobId: JOB, channelId: 'C1', threadTs: '1700000000.000100', ...p });
const click = (p: Partial<ClickPlace> = {}): ClickPlace => ({ channelId: 'C1', threadTs: '1700000000.000100', messageTs: '1700000000.000200', ...p });

describe('where an approval click may come from', () => {
  it.each([
    ['click from another channel', click({ channelId: 'C2' }), card(), 'WrongChannel', /only count from its own thread in <#C1>/],
    ['click from another thread', click({ threadTs: '1700000000.999999' }), card(), 'WrongThread', /only count from its approval message/],
    ['click on another message of the thread', click({ messageTs: '1700000000.000300' }), card({ cardTs: '1700000000.000200' }), 'WrongThread', /approval message/],
    ['click on a root message elsewhere', click({ threadTs: undefined, messageTs: '1600000000.000001' }), card(), 'WrongThread', /approval message/],
  ] as const)('%s → %s', (_n, c, k, code, message) => {
    const r = checkClickLocation(c, k);
    expect(r?.code).toBe(code);
    expect(r?.message).toMatch(message);
  });

  it('the job\'s card in the job\'s thread passes, and so does a click on the thread root', () => {
    expect(checkClickLocation(click(), card({ cardTs: '1700000000.000200' }))).toBeUndefined();
    expect(checkClickLocation(click({ threadTs: undefined, messageTs: '1700000000.000100' }), card())).toBeUndefined();
  });
});
