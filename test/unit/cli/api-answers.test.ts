/**
 * The CLI against a stand-in API (one local HTTP server): API errors are printed in both languages as the API
 * gives them, and every download (list result, commune cash list, reconciliation report) follows its
 * presigned link to a virtual-hosted `<bucket>.s3.localhost` host, as the local platform hands them out,
 * without relying on the system resolver knowing `*.localhost` (RFC 6761 loopback).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXIT } from '../../../cli/main.js';
import { runCli } from '../../support/cli.js';

let server: Server;
let base: string;
let dir: string;
const storageRequests: IncomingMessage[] = [];

const FILES: Record<string, string> = {
  '/results/bl-abc.csv': 'STT,Kết quả\r\n1,ACCEPTED\r\n',
  '/cash-lists/26737.xlsx': 'PK-fake-xlsx',
  '/reports/st-abcdefghijklmnop.csv': 'Kết quả,Số lượng\r\nMATCHED,3\r\n',
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ansinh-cli-unit-'));
  server = createServer((req, res) => {
    const host = req.headers.host ?? '';
    const url = new URL(req.url ?? '/', 'http://x');
    const port = (server.address() as AddressInfo).port;
    const link = (key: string, expired = false) =>
      `http://ansinh-uploads.s3.localhost:${port}${key}?X-Amz-Expires=900${expired ? '&expired=1' : ''}`;
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (host.startsWith('ansinh-uploads.s3.localhost:')) {
      storageRequests.push(req);
      if (url.searchParams.has('expired')) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        return res.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      }
      if (url.pathname === '/results/cut.csv') {
        // The connection drops after part of the file.
        res.writeHead(200, { 'content-length': '100000' });
        res.write('STT,Kết quả\r\n');
        setTimeout(() => res.destroy(), 20);
        return;
      }
      const body = FILES[url.pathname];
      res.writeHead(body ? 200 : 404);
      return res.end(body ?? '');
    }
    if (url.pathname === '/v1/beneficiary-lists/bl-abc/result')
      return json(200, { downloadUrl: link('/results/bl-abc.csv') });
    if (url.pathname === '/v1/beneficiary-lists/bl-cut/result')
      return json(200, { downloadUrl: link('/results/cut.csv') });
    if (url.pathname === '/v1/beneficiary-lists/bl-old/result')
      return json(200, { downloadUrl: link('/results/bl-abc.csv', true) });
    if (url.pathname === '/v1/disbursement-cycles/dc-x/cash-lists/26737')
      return json(200, { downloadUrl: link('/cash-lists/26737.xlsx') });
    if (url.pathname === '/v1/statements/st-abcdefghijklmnop/report')
      return json(200, { downloadUrl: link('/reports/st-abcdefghijklmnop.csv') });
    if (url.pathname === '/v1/beneficiary-lists/bl-failed')
      return json(200, {
        listId: 'bl-failed',
        fileName: 'x.xlsx',
        status: 'FAILED',
        failure: {
          code: 'XLSX_XML_DECLARATIONS',
          message: { vi: 'Tệp Excel bị từ chối (DOCTYPE/ENTITY).', en: 'The Excel file is refused (DOCTYPE/ENTITY).' },
        },
      });
    if (url.pathname === '/v1/statements/st-unfinished00000/report')
      return json(409, {
        error: {
          code: 'IMPORT_NOT_COMPLETED',
          message: { vi: 'Sao kê chưa đối chiếu xong.', en: 'The statement has not finished reconciling.' },
          requestId: 'r-1',
        },
      });
    json(404, { error: { code: 'NOT_FOUND', message: { vi: 'Không tìm thấy.', en: 'Not found.' }, requestId: 'r-2' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[], lang?: 'en') =>
  runCli(args, { ANSINH_TOKEN: 'a.b.c', ANSINH_URL: base, ...(lang ? { ANSINH_LANG: lang } : {}) });

describe('ansinh CLI against the API', () => {
  it('prints an API error in both languages, Vietnamese first, whatever --lang says', async () => {
    for (const lang of [undefined, 'en'] as const) {
      const r = await cli(['statements', 'report', 'st-unfinished00000'], lang);
      expect(r.code).toBe(EXIT.REFUSED);
      expect(r.err).toBe(
        'Sao kê chưa đối chiếu xong. / The statement has not finished reconciling. (IMPORT_NOT_COMPLETED)\n',
      );
    }
    // A FAILED list's reason comes from the API too: both languages.
    const failed = await cli(['lists', 'show', 'bl-failed'], 'en');
    expect(failed.code).toBe(EXIT.FAILED);
    expect(failed.out).toContain(
      'Tệp Excel bị từ chối (DOCTYPE/ENTITY). / The Excel file is refused (DOCTYPE/ENTITY). (XLSX_XML_DECLARATIONS)',
    );
    const missing = await cli(['lists', 'show', 'bl-none']);
    expect(missing.code).toBe(EXIT.NOT_FOUND);
    expect(missing.err).toBe('Không tìm thấy. / Not found. (NOT_FOUND)\n');
  });

  it.each([
    [['lists', 'result', 'bl-abc', '--format', 'csv'], '/results/bl-abc.csv'],
    [['cycles', 'cash-list', 'dc-x', '26737'], '/cash-lists/26737.xlsx'],
    [['statements', 'report', 'st-abcdefghijklmnop', '--format', 'csv'], '/reports/st-abcdefghijklmnop.csv'],
  ])('%j saves the file behind its *.s3.localhost link, with no token sent to storage', async (args, key) => {
    const file = join(dir, key.replace(/\//g, '_'));
    const before = storageRequests.length;
    const r = await cli([...args, '-o', file, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(EXIT.OK);
    expect(JSON.parse(r.out)).toEqual({ file, bytes: Buffer.byteLength(FILES[key] as string) });
    expect(readFileSync(file, 'utf8')).toBe(FILES[key]);
    expect(storageRequests).toHaveLength(before + 1);
    expect(storageRequests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('an expired download link is refused (exit 5) with a message that says so', async () => {
    const r = await cli(['lists', 'result', 'bl-old', '-o', join(dir, 'old.csv'), '--lang', 'en']);
    expect(r.code).toBe(EXIT.REFUSED);
    expect(r.err).toContain('The download link expired');
  });

  it('a download cut short fails (exit 1) and leaves no half file behind', async () => {
    const file = join(dir, 'cut.csv');
    const r = await cli(['lists', 'result', 'bl-cut', '-o', file, '--lang', 'en']);
    expect(r.code).toBe(EXIT.ERROR);
    expect(r.err).toContain('The download did not complete');
    expect(existsSync(file)).toBe(false);
  });

  it('a cash list needs a 5-digit commune code (usage, exit 2)', async () => {
    expect((await cli(['cycles', 'cash-list', 'dc-x', '267'])).code).toBe(EXIT.USAGE);
    expect((await cli(['cycles', 'cash-list', 'dc-x'])).code).toBe(EXIT.USAGE);
  });
});
