import type { AddressInfo } from 'node:net';
import { until } from '../util/until.ts';
import { chatMethods } from './api-chat.ts';
import { conversationMethods } from './api-conversations.ts';
import { directoryMethods } from './api-directory.ts';
import { fileMethods } from './api-files.ts';
import { imMethods } from './api-im.ts';
import { viewMethods } from './api-views.ts';
import { membershipChannelType } from './events-api.ts';
import { createFakeSlackServer } from './http-server.ts';
import { People } from './people.ts';
import { renderMessage, renderMrkdwn } from './render.ts';
import { ResponseUrls } from './response-urls.ts';
import { SOCKET_PATH, SocketModeServer } from './socket-mode.ts';
import { Workspace } from './workspace.ts';
import { ViewPeople } from './view-people.ts';
import type { FakeSlack, FakeSlackOptions } from './workspace-types.ts';

/**
 * A fake Slack workspace on loopback: the Web API methods the bot uses (POST form bodies, Slack's response
 * shapes and error codes), a message store with threads and edits, response_url endpoints, Socket Mode
 * (apps.connections.open + a WebSocket), and "people" who type slash commands and click buttons by sending
 * correctly signed requests to the bot. Faults can be injected per method. It never dials anything but the bot.
 */
export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const ws = new Workspace(opts);
  const responseUrls = new ResponseUrls(ws);
  const methods = {
    ...chatMethods(ws),
    ...fileMethods(ws),
    ...imMethods(ws),
    ...viewMethods(ws),
    ...conversationMethods(ws),
    ...directoryMethods(ws, () => `ws://127.0.0.1:${port}${SOCKET_PATH}`),
  };
  const server = createFakeSlackServer(ws, methods, responseUrls);
  const socket = new SocketModeServer(ws, server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  ws.baseUrl = `http://127.0.0.1:${port}`;
  const people = new People(ws, responseUrls, socket, opts.botUrl && opts.signingSecret ? { url: opts.botUrl, signingSecret: opts.signingSecret } : undefined);

  const viewPeople = new ViewPeople(ws, people);
  const visible = (channel: string) => ws.channelLog(channel).filter((m) => !m.deleted);
  const fake: FakeSlack = {
    url: ws.baseUrl,
    apiUrl: `${ws.baseUrl}/api/`,
    port,
    teamId: ws.teamId,
    botUserId: ws.botUserId,
    botId: ws.botId,
    botToken: ws.botToken,
    appToken: ws.appToken,
    calls: (method) => (method ? ws.calls.filter((c) => c.method === method) : [...ws.calls]),
    fail(method, fault, times = 1) {
      const q = ws.faults.get(method) ?? [];
      for (let i = 0; i < times; i++) q.push(fault);
      ws.faults.set(method, q);
    },
    clearFaults: () => ws.faults.clear(),
    setUsergroup: (id, members) => void ws.groups.set(id, [...members]),
    addUser: (u) => void ws.users.set(u.id, u),
    addChannel(id, name, kind) {
      ws.channels.set(id, name);
      ws.kinds.set(id, kind);
    },
    setChannelMembers: (channel, members) => void ws.channelMembers.set(channel, [...members]),
    inviteBot(channel, inviter) {
      ws.channelMembers.set(channel, [...new Set([...ws.members(channel), ws.botUserId])]);
      return people.event({ type: 'member_joined_channel', user: ws.botUserId, channel, channel_type: membershipChannelType(ws, channel), team: ws.teamId, inviter }, opts.eventRetryDelaysMs);
    },
    removeBot(channel) {
      ws.channelMembers.set(channel, ws.members(channel).filter((u) => u !== ws.botUserId));
      return people.event({ type: 'member_left_channel', user: ws.botUserId, channel, channel_type: membershipChannelType(ws, channel), team: ws.teamId }, opts.eventRetryDelaysMs);
    },
    joinChannel(channel, user) {
      ws.channelMembers.set(channel, [...new Set([...ws.members(channel), user])]);
      if (!ws.members(channel).includes(ws.botUserId)) return Promise.resolve({ sent: false, attempts: [] });
      return people.event({ type: 'member_joined_channel', user, channel, channel_type: membershipChannelType(ws, channel), team: ws.teamId }, opts.eventRetryDelaysMs);
    },
    leaveChannel(channel, user) {
      ws.channelMembers.set(channel, ws.members(channel).filter((u) => u !== user));
      if (!ws.members(channel).includes(ws.botUserId)) return Promise.resolve({ sent: false, attempts: [] });
      return people.event({ type: 'member_left_channel', user, channel, channel_type: membershipChannelType(ws, channel), team: ws.teamId }, opts.eventRetryDelaysMs);
    },
    archiveChannel: (channel) => void ws.archived.add(channel),
    setLatency(ms, method) {
      if (!method) ws.latencyMs.clear();
      ws.latencyMs.set(method ?? 'default', ms);
    },
    refused: () => Object.fromEntries(ws.rateLimiter.refused),
    channelMessages: (channel) => visible(channel).filter((m) => !m.threadTs),
    thread: (channel, threadTs) => visible(channel).filter((m) => m.ts === threadTs || m.threadTs === threadTs),
    message: (channel, ts) => ws.findMessage(channel, ts),
    transcript: (channel, threadTs) => fake.thread(channel, threadTs).map((m) => renderMessage(m, ws.names)),
    render: (m) => renderMessage(m, ws.names),
    renderText: (t) => renderMrkdwn(t, ws.names),
    directMessages: (user) => ws.directMessages(user),
    ephemerals: (user) => ws.ephemerals.filter((e) => !user || e.user === user),
    files: () => [...ws.files.values()],
    responses: () => [...responseUrls.received],
    connectBot: (b) => people.connectBot(b),
    socketConnected: () => socket.whenConnected(),
    slash: (userId, channelId, text, o) => people.slash(userId, channelId, text, o),
    click: (userId, channelId, messageTs, o) => people.click(userId, channelId, messageTs, o),
    sendRaw: (body, headers) => people.sendRaw(body, headers),
    shortcut: (userId, callbackId) => viewPeople.shortcut(userId, callbackId),
    openHome: (userId, retries) => viewPeople.openHome(userId, retries),
    clickView: (userId, viewId, actionId, value, o) => viewPeople.click(userId, viewId, actionId, value, o),
    suggest: (userId, viewId, blockId, actionId, value) => viewPeople.suggest(userId, viewId, blockId, actionId, value),
    submitView: (userId, viewId, values) => viewPeople.submit(userId, viewId, values),
    selectInView: (userId, viewId, blockId, actionId, option) => viewPeople.select(userId, viewId, blockId, actionId, option),
    view: (id) => ws.views.get(id),
    homeView: (userId) => { const id = ws.homeOf.get(userId); return id ? ws.views.get(id) : undefined; },
    modals: (userId) => [...ws.views.values()].filter((v) => v.kind === 'modal' && v.user === userId),
    waitFor: (probe, o = {}) => until(probe, { what: o.what ?? 'a fake Slack condition', timeoutMs: o.timeoutMs ?? 10_000 }),
    async close() {
      socket.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return fake;
}
