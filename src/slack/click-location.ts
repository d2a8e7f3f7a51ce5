// Where an Approve/Reject click may come from: the job's own approval card, in the job's thread, in its channel.
// What the click then does is the engine's approval rule (src/domain/approval.ts); this only places it.

export interface ClickPlace {
  channelId: string;
  /** thread_ts of the clicked message (undefined when the click is on a thread root). */
  threadTs?: string;
  /** ts of the clicked message. */
  messageTs?: string;
}

export interface CardPlace {
  jobId: string;
  channelId: string;
  /** The job's thread (root message ts). */
  threadTs: string;
  /** ts of the approval card itself; when set, clicks must come from that message. */
  cardTs?: string;
}

export type LocationRefusal = { code: 'WrongChannel' | 'WrongThread'; message: string };

export function checkClickLocation(click: ClickPlace, card: CardPlace): LocationRefusal | undefined {
  if (click.channelId !== card.channelId) {
    return { code: 'WrongChannel', message: `Approvals for ${card.jobId} only count from its own thread in <#${card.channelId}>; nothing was recorded.` };
  }
  const clickThread = click.threadTs ?? click.messageTs;
  if (clickThread !== card.threadTs || (card.cardTs !== undefined && click.messageTs !== card.cardTs)) {
    return { code: 'WrongThread', message: `Approvals for ${card.jobId} only count from its approval message in the job's thread; nothing was recorded.` };
  }
  return undefined;
}
