import { describe, expect, it } from 'vitest';
import { LANGS } from '../../src/i18n/lang.ts';
import { msg } from '../../src/i18n/catalog.ts';
import { viewFault } from '../../src/slack-sim/api-views.ts';
import { buildHomeView } from '../../src/slack/home/home-view.ts';
import type { HomeData } from '../../src/slack/home/home-data.ts';
import { startModal } from '../../src/slack/modal/start-modal.ts';
import { code, escCut } from '../../src/slack/mrkdwn.ts';
import { CORPUS, faultsOf, messageFaults } from './hostile-strings.ts';

/**
 * The Home tab and the start modal in both languages, filled past their lists' sizes with what the cloud could hold:
 * within Slack's view limits (as the simulated workspace checks them) and with no live sequence from outside.
 */

function homeData(h: string, n: number): HomeData {
  const at = '2026-12-06T20:00:00.000Z';
  return {
    waiting: Array.from({ length: n }, (_, i) => ({ jobId: `migrate-cn-hangzhou-i-bp1aaaa${i}`, subject: { kind: 'instance' as const, instanceId: `${h}${i}` }, requester: 'U0ALICE', channel: 'C0OPS', expiresAt: at, votes: 0, required: 2, planHash: 'abc123' })),
    active: Array.from({ length: n * 4 }, (_, i) => ({ jobId: `migrate-cn-hangzhou-i-bp1bbbb${i}`, subject: { kind: 'instance' as const, instanceId: `${h}${i}` }, state: 'awaiting_approval', requester: h, channel: h })),
    finished: Array.from({ length: 20 }, (_, i) => ({ jobId: `migrate-cn-hangzhou-i-bp1cccc${i}`, subject: { kind: 'batch' as const, count: i }, outcome: 'migrated' as const, at })),
    gateways: Array.from({ length: n * 2 }, (_, i) => ({ natGatewayId: `${h}${i}`, vpcId: h, regionId: h, mapped: i, at })),
  };
}

describe('the App Home view and the start modal within limits', () => {
  for (const lang of LANGS) {
    it.each(CORPUS)(`${lang}: %s`, (_name, h) => {
      const home = buildHomeView(homeData(h, 40), lang, new Date(), msg(lang).clickRefused({ code: 'SelfApproval', job: code('migrate-x'), reason: escCut(h, 500) }));
      expect(viewFault(home as unknown as Record<string, unknown>, 'home')).toBeUndefined();
      expect(messageFaults({ blocks: home.blocks })).toEqual([]);

      const instances = Array.from({ length: 150 }, (_, i) => ({ instanceId: `i-bp1dddd${i}`, name: `${h}${i}`, privateIp: '192.168.1.10', eip: h, ready: i % 3 !== 0, refusal: h }));
      for (const state of [{ region: h }, { region: 'cn-hangzhou', target: 'ngw-bp1aaaa', instances }, { region: 'cn-hangzhou', target: 'ngw-bp1aaaa', instances: { failed: h } }]) {
        const modal = startModal(state, lang);
        expect(viewFault(modal, 'modal')).toBeUndefined();
        expect(messageFaults({ blocks: modal.blocks })).toEqual([]);
      }
      const listed = startModal({ region: 'cn-hangzhou', target: 'ngw-bp1aaaa', instances }, lang).blocks as { block_id?: string; element?: { options?: { text: { text: string } }[] } }[];
      const options = listed.find((b) => b.block_id === 'instances')!.element!.options!;
      expect(options).toHaveLength(100);
      for (const o of options) {
        expect(o.text.text.length).toBeLessThanOrEqual(75);
        expect(faultsOf(o.text.text, true)).toEqual([]);
      }
    });
  }
});
