import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { isObj } from './block-validation.ts';
import { readRaw } from './http-body.ts';
import { botMethod, str, type WebApiMethods } from './web-api-method.ts';
import type { Workspace } from './workspace.ts';
import type { FakeFile } from './workspace-types.ts';

/**
 * File uploads the way files.uploadV2 in @slack/web-api does them: files.getUploadURLExternal, the bytes POSTed to
 * the upload URL, files.completeUploadExternal shares them (https://docs.slack.dev/reference/methods/files.getUploadURLExternal,
 * …/files.completeUploadExternal).
 */

export const UPLOAD_PATH = '/upload/v1/';

const fileSummary = (f: FakeFile) => ({ id: f.id, name: f.name, title: f.title, size: f.length });

export function fileMethods(ws: Workspace): WebApiMethods {
  return {
    'files.getUploadURLExternal': botMethod(ws, (p) => {
      const filename = str(p.filename);
      const length = Number(p.length);
      if (!filename || !Number.isInteger(length) || length < 1) return { ok: false, error: 'invalid_arguments' };
      const id = `F${String(ws.nextSeq()).padStart(9, '0')}`;
      ws.files.set(id, { id, name: filename, title: filename, length, completed: false });
      return { ok: true, upload_url: `${ws.baseUrl}${UPLOAD_PATH}${id}/${randomBytes(6).toString('hex')}`, file_id: id };
    }),
    'files.completeUploadExternal': botMethod(ws, (p) => {
      let list: unknown = p.files;
      if (typeof list === 'string') { try { list = JSON.parse(list); } catch { list = undefined; } }
      if (!Array.isArray(list) || list.length === 0) return { ok: false, error: 'invalid_arguments' };
      const channel = str(p.channel_id);
      const threadTs = str(p.thread_ts);
      if (threadTs && !channel) return { ok: false, error: 'invalid_arguments' };
      if (channel && !ws.knownChannel(channel)) return { ok: false, error: 'channel_not_found' };
      if (channel && !ws.botInChannel(channel)) return { ok: false, error: 'not_in_channel' };
      const picked: FakeFile[] = [];
      for (const item of list) {
        const f = isObj(item) && typeof item.id === 'string' ? ws.files.get(item.id) : undefined;
        if (!f) return { ok: false, error: 'file_not_found' };
        // The bytes must have arrived, and as many as were announced.
        if (!f.content || f.content.length !== f.length) return { ok: false, error: 'file_upload_size_mismatch' };
        if (isObj(item) && typeof item.title === 'string' && item.title) f.title = item.title;
        picked.push(f);
      }
      if (threadTs && !ws.isThreadRoot(channel!, threadTs)) return { ok: false, error: 'thread_not_found' };
      if (channel) {
        const comment = typeof p.initial_comment === 'string' ? p.initial_comment : '';
        const text = [comment, ...picked.map((f) => `📎 ${f.title} (${f.name}, ${f.length} bytes)`)].filter(Boolean).join('\n');
        const msg = ws.postAsBot(channel, text, { files: picked.map(fileSummary), ...(threadTs ? { threadTs } : {}) });
        for (const f of picked) Object.assign(f, { channel, ts: msg.ts, ...(threadTs ? { threadTs } : {}) });
      }
      for (const f of picked) f.completed = true;
      return { ok: true, files: picked.map(fileSummary) };
    }),
  };
}

/** The upload URL takes the bytes raw or as multipart/form-data (the web-api client sends a `body` file part). */
export async function handleUpload(ws: Workspace, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readRaw(req);
  ws.calls.push({ seq: ws.nextSeq(), method: 'upload', at: Date.now(), params: { path, bytes: raw.length }, status: 200, response: undefined });
  const f = ws.files.get(path.split('/')[3] ?? '');
  if (!f || f.completed) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not_found');
    return;
  }
  const ct = req.headers['content-type'] ?? '';
  let content = raw;
  if (ct.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': ct } }).formData();
    const part = form.get('body') ?? [...form.values()].find((v) => typeof v !== 'string');
    content = part === null || part === undefined ? Buffer.alloc(0) : typeof part === 'string' ? Buffer.from(part) : Buffer.from(await part.arrayBuffer());
  }
  f.content = content;
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(`OK - ${content.length}`);
}
