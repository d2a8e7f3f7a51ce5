// A person's App Home in the simulated workspace, read as they see it: the three Home e2e files share these.
import type { FakeSlack, FakeView } from '../../src/slack-sim/index.ts';

/** `slack`: the workspace, looked up at each call (the tests start it in beforeAll). */
export function homeViews(slack: () => FakeSlack) {
  /** The view as the person sees it (buttons as [Label]), rendered like a message. */
  const blocksText = (v: FakeView | undefined): string =>
    (v ? slack().render({ channel: '', ts: '', user: '', text: '', blocks: v.view.blocks as unknown[], edits: [] }) : '');
  /** The person's Home once its text satisfies `pred`; on a timeout, the error shows the Home as it is. */
  const homeOf = (user: string, what: string, pred: (t: string) => boolean) =>
    slack().waitFor(() => { const v = slack().homeView(user); return v && pred(blocksText(v)) ? v : undefined; }, { what, timeoutMs: 20_000 })
      .catch((err: unknown) => { throw new Error(`${String(err)}; the home now:\n${blocksText(slack().homeView(user))}`); });
  /** The value of the Approve button of `jobId` on the view, if it has one. */
  const valueFor = (v: FakeView, jobId: string) => {
    for (const b of v.view.blocks as { elements?: { value?: string; action_id?: string }[] }[]) {
      for (const e of b.elements ?? []) if (e.action_id === 'natmigrate_home_approve' && e.value?.includes(`:${jobId}:`)) return e.value;
    }
    return undefined;
  };
  return { blocksText, homeOf, valueFor };
}
