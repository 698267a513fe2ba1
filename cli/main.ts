/**
 * `npx ansinh …`: the console's work from a terminal or a script, against the same HTTP API with the same
 * tokens. Progress goes to stderr, results to stdout (`--json` for machines); the exit code says what
 * happened (see EXIT and `ansinh help`).
 */
import { createReadStream, createWriteStream, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  AUTH: 3,
  NOT_FOUND: 4,
  REFUSED: 5,
  FAILED: 6,
  ATTENTION: 7,
  TIMEOUT: 8,
  UNREACHABLE: 10,
} as const;

const HELP = `ansinh — nền tảng chi trả an sinh xã hội / social security payments

Usage: ansinh <command> [options]

  login                                  print a token for --user (local identity provider)
  lists template [-o file] [--format xlsx|csv]
  lists upload <file> [--no-wait]        upload a beneficiary list, wait for verification
  lists ls [--status …] [--mine]        the jurisdiction's lists, newest first
  lists show <listId>
  lists result <listId> [-o file] [--format xlsx|csv]      the verification result file
  cycles create <yyyy-mm> [--no-wait]    create a cycle, wait for its draft totals
  cycles ls [--period yyyy-mm] [--status …] [--programme …]
  cycles show <cycleId|yyyy-mm>
  cycles submit <cycleId|yyyy-mm> [--hash sha256:…]   (default: the current draft's hash)
  cycles approve <cycleId|yyyy-mm> --hash sha256:…    approve exactly this content; returns once the payment
                                                     files are sent, saying what is still open
  cycles wait <cycleId|yyyy-mm>          follow dispatch until the cycle closes
  cycles cash-list <cycleId|yyyy-mm> <communeCode> [-o file] [--format xlsx|csv]
                                         the commune's post-office cash payment list
  statements import <file> [--no-wait]   load a bank statement, wait for reconciliation
  statements ls [--status …]
  statements show <importId>
  statements report <importId> [-o file] [--format xlsx|csv]   the reconciliation report
  statements confirm <importId> --hash sha256:…  (another officer) apply exactly the changes the file proposes
  reconciliation <cycleId|yyyy-mm> [--as-of yyyy-mm-dd] [--due-days n]
  trace <paymentId>                      one payment from its list row to its bank line, in order

Options:
  --url <url>        API base (env ANSINH_URL, default http://127.0.0.1:3000)
  --user <name>      get a token from the local identity provider (canbo.hcm, ketoan.lap, ketoan.duyet…)
                     otherwise the token comes from env ANSINH_TOKEN
  --json             machine-readable result on stdout
  --timeout <s>      how long to wait for background work (default 600)
  ls: --limit <n>    items per page, 1-100 (default 20) · --cursor <c> the next page · --all every page
      --jurisdiction <code>  whose items (auditors: required unless the token has one)
  --lang vi|en       language of the CLI's own messages (default vi); errors from the API are
                     always printed in both languages, Vietnamese first

Exit codes:
  0 done · 1 unexpected error · 2 usage · 3 not signed in or not allowed (401/403) · 4 not found
  5 refused by the API (invalid input, conflict, e.g. approving your own cycle or a changed draft)
  6 the work failed (list, cycle or statement FAILED) · 7 done, but needs attention (reconciliation
  not balanced or with mismatches, rows rejected) · 8 timed out waiting · 10 API unreachable
`;

class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

interface Ctx {
  url: string;
  token?: string;
  json: boolean;
  timeoutMs: number;
  lang: 'vi' | 'en';
  out: (text: string) => void;
  err: (text: string) => void;
  tty: boolean;
}

const T = (c: Ctx, vi: string, en: string) => (c.lang === 'en' ? en : vi);
const vnd = (n: number | undefined) => `${new Intl.NumberFormat('vi-VN').format(n ?? 0)} ₫`;
const num = (n: number | undefined) => new Intl.NumberFormat('vi-VN').format(n ?? 0);

function exitFor(status: number): number {
  if (status === 401 || status === 403) return EXIT.AUTH;
  if (status === 404) return EXIT.NOT_FOUND;
  if (status >= 400 && status < 500) return EXIT.REFUSED;
  return EXIT.ERROR;
}

// ------------------------------------------------------------------------------------------------ answers
// What the CLI reads of the API's answers (the full shapes are in the OpenAPI document): every field optional
// where the API may leave it out, so a missing field prints blank instead of crashing.

/** An error body: `{ error: { code, message: { vi, en } } }`, or a bare `{ message }` from a gateway. */
type Lang = Ctx['lang'];

interface ErrorBody {
  error?: { code?: string; message?: { vi?: string; en?: string } };
  message?: string;
}

interface Counted {
  count?: number;
  amount?: number;
}

interface Outcome extends Counted {
  outcome: string;
  severity: number;
  label?: Record<Lang, string>;
}

interface ListView {
  listId: string;
  duplicate?: boolean;
  failure?: { code?: string; message?: { vi?: string; en?: string } };
  fileName?: string;
  status: string;
  createdAt?: string;
  rows?: number;
  byOutcome?: Record<string, number>;
  totals?: { rows: number; accountsOpened?: number; flagged?: number; byOutcome?: Record<string, number> };
}

interface CycleView {
  cycleId: string;
  status: string;
  period?: string;
  programme?: string;
  createdAt?: string;
  /** In a list page: the draft's payees and amount. */
  payees?: number;
  amount?: number;
  contentHash?: string;
  submittedHash?: string;
  approvedHash?: string;
  totals?: { payees: number; amount: number; byChannel?: { key: string; people: number; amount: number }[] };
  closing?: Record<string, Counted | undefined>;
  progress?: { chunks: number; chunksDispatched: number; byState?: Record<string, number> };
}

interface StatementView {
  statementId: string;
  currency?: string;
  foreign?: { credits: string; debits: string; closingBalance?: string };
}

interface ImportView {
  importId: string;
  fileName?: string;
  format?: string;
  status: string;
  lines?: number;
  createdAt?: string;
  entriesProcessed?: number;
  outcomes?: Outcome[];
  statements?: StatementView[];
  proposal?: { status: string; changes: number; hash: string; label?: Record<Lang, string> };
}

interface CycleReconciliation {
  cycleId: string;
  asOf: string;
  approved?: Counted;
  balanced?: { count?: boolean; amount?: boolean };
  outcomes?: Outcome[];
  byCategory?: (Counted & { category: string; label?: Record<Lang, string>; outcomes?: Outcome[] })[];
}

interface TraceStep {
  step: string;
  recorded: boolean;
  [field: string]: unknown;
}

interface TraceView {
  paymentId: string;
  period: string;
  amount: number;
  state: string;
  steps: TraceStep[];
}

/** A bilingual message as the API gives it: Vietnamese, then English (one of them if only one is there). */
function bilingual(m: { vi?: string; en?: string } | undefined): string | undefined {
  const parts = [m?.vi, m?.en].filter((x): x is string => !!x);
  return parts.length ? parts.join(' / ') : undefined;
}

function apiError(status: number, body: ErrorBody | string | undefined): CliError {
  if (typeof body !== 'object') body = undefined;
  const m = bilingual(body?.error?.message) ?? body?.message ?? `HTTP ${status}`;
  return new CliError(exitFor(status), `${m}${body?.error?.code ? ` (${body.error.code})` : ''}`);
}

async function call<T>(c: Ctx, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${c.url}${path}`, {
      method,
      headers: {
        ...(c.token ? { authorization: `Bearer ${c.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    throw new CliError(
      EXIT.UNREACHABLE,
      `${T(c, 'Không kết nối được', 'Cannot reach')} ${c.url}: ${(err as Error).message}`,
    );
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!res.ok) throw apiError(res.status, parsed as ErrorBody | string | undefined);
  return parsed as T;
}

/** A progress bar on stderr (redrawn on a terminal, a line per 10 % otherwise). */
function progress(c: Ctx, label: string) {
  let lastTenth = -1;
  return {
    update(fraction: number, detail = '') {
      const f = Math.max(0, Math.min(1, fraction));
      if (c.tty) {
        const width = 24;
        const full = Math.round(f * width);
        c.err(
          `\r${label} [${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.round(f * 100)).padStart(3)}% ${detail}\x1b[K`,
        );
      } else if (Math.floor(f * 10) > lastTenth) {
        lastTenth = Math.floor(f * 10);
        c.err(`${label} ${Math.round(f * 100)}% ${detail}\n`);
      }
    },
    done(detail = '') {
      if (c.tty) c.err(`\r${label} ${detail}\x1b[K\n`);
      else c.err(`${label} ${detail}\n`);
    },
  };
}

/** A spinner-like status line for work whose size is unknown. */
function status(c: Ctx, label: string) {
  let last = '';
  return (text: string) => {
    if (text === last) return;
    last = text;
    c.err(c.tty ? `\r${label}: ${text}\x1b[K` : `${label}: ${text}\n`);
  };
}

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv',
  txt: 'text/plain',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xml: 'application/xml',
  sta: 'text/plain',
  mt940: 'text/plain',
};

/**
 * Files of any size go the way AWS needs them to (API Gateway and Lambda refuse bodies over a few MB): an
 * upload link from `<path>/uploads`, the file streamed to storage with a progress bar, then `POST <path>`.
 */
async function uploadFile<T>(c: Ctx, path: string, file: string): Promise<T> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(EXIT.USAGE, `${T(c, 'Không đọc được tệp', 'Cannot read file')} ${file}`);
  }
  const link = await call<{ uploadId: string; uploadUrl: string; maxBytes?: number }>(c, 'POST', `${path}/uploads`);
  if (link.maxBytes && size > link.maxBytes) {
    const mb = Math.round(link.maxBytes / 1048576);
    throw new CliError(EXIT.REFUSED, T(c, `Tệp lớn hơn ${mb} MB.`, `The file is larger than ${mb} MB.`));
  }
  await putToStorage(c, link.uploadUrl, file, size);
  return call<T>(c, 'POST', path, { uploadId: link.uploadId, fileName: basename(file) });
}

/** RFC 6761: `*.localhost` is loopback (the local storage's bucket names), whatever the system resolver says. */
const loopback: LookupFunction = (_host, opts, cb) =>
  (opts as { all?: boolean }).all
    ? (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: '127.0.0.1', family: 4 },
      ])
    : cb(null, '127.0.0.1', 4);

/** Storage links are presigned (no token goes with them); locally their host is `<bucket>.s3.localhost`. */
function storageRequest(url: URL, method: 'GET' | 'PUT', headers: Record<string, string> = {}) {
  return (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
    method,
    ...(url.hostname.endsWith('.localhost') ? { lookup: loopback } : {}),
    headers,
  });
}

/** What storage says when it refuses a link (S3's XML error body): an expired link is worth telling apart. */
function storageRefusal(c: Ctx, what: 'upload' | 'download', status: number, body: string): CliError {
  if (/expired/i.test(body)) {
    return new CliError(
      EXIT.REFUSED,
      what === 'upload'
        ? T(c, 'Đường dẫn tải lên đã hết hạn. Hãy chạy lại.', 'The upload link expired. Run the command again.')
        : T(c, 'Đường dẫn tải về đã hết hạn. Hãy chạy lại.', 'The download link expired. Run the command again.'),
    );
  }
  return what === 'upload'
    ? new CliError(
        EXIT.REFUSED,
        T(c, `Không tải được tệp lên (HTTP ${status}).`, `The file could not be uploaded (HTTP ${status}).`),
      )
    : new CliError(
        EXIT.ERROR,
        T(c, `Không tải được tệp về (HTTP ${status}).`, `The file could not be downloaded (HTTP ${status}).`),
      );
}

/** GETs a presigned download link into `file`, streamed (never held whole). */
function download(c: Ctx, link: string, file: string): Promise<number> {
  const url = new URL(link);
  return new Promise((resolve, reject) => {
    const req = storageRequest(url, 'GET');
    req.on('response', (res) => {
      const status = res.statusCode ?? 500;
      if (status >= 300) {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => reject(storageRefusal(c, 'download', status, Buffer.concat(chunks).toString('utf8'))));
        return;
      }
      pipeline(res, createWriteStream(file)).then(
        () => resolve(statSync(file).size),
        (err: Error) => {
          rmSync(file, { force: true }); // no half file left looking like a whole one
          reject(
            new CliError(
              EXIT.ERROR,
              `${T(c, 'Không tải về trọn vẹn', 'The download did not complete')} (${file}): ${err.message}`,
            ),
          );
        },
      );
    });
    req.on('error', (err) =>
      reject(
        new CliError(EXIT.UNREACHABLE, `${T(c, 'Không kết nối được', 'Cannot reach')} ${url.host}: ${err.message}`),
      ),
    );
    req.end();
  });
}

/** Asks the API for a download link (`{ downloadUrl }`), then saves the file it points to. */
async function saveDownload(c: Ctx, path: string, file: string): Promise<number> {
  const r = await call<{ downloadUrl: string }>(c, 'GET', path);
  const bytes = await download(c, r.downloadUrl, file);
  print(c, { file, bytes }, `${T(c, 'Đã lưu', 'Saved')} ${file} (${num(bytes)} bytes)`);
  return EXIT.OK;
}

/** PUTs the file to a presigned URL, streamed (never held whole), with the bar; no token goes to storage. */
function putToStorage(c: Ctx, link: string, file: string, size: number): Promise<void> {
  const url = new URL(link);
  const ext = file.split('.').pop()?.toLowerCase() ?? '';
  const bar = progress(c, T(c, 'Tải lên', 'Upload'));
  return new Promise((resolve, reject) => {
    const req = storageRequest(url, 'PUT', {
      'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
      'content-length': String(size),
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const status = res.statusCode ?? 500;
        if (status < 300) {
          bar.done(`${num(size)} bytes`);
          return resolve();
        }
        reject(storageRefusal(c, 'upload', status, Buffer.concat(chunks).toString('utf8')));
      });
    });
    req.on('error', (err) =>
      reject(
        new CliError(EXIT.UNREACHABLE, `${T(c, 'Không kết nối được', 'Cannot reach')} ${url.host}: ${err.message}`),
      ),
    );
    let sent = 0;
    const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
    stream.on('data', (chunk) => {
      sent += chunk.length;
      bar.update(size ? sent / size : 1);
    });
    stream.on('error', reject);
    stream.pipe(req);
  });
}

async function waitFor<T>(c: Ctx, read: () => Promise<T>, done: (v: T) => boolean, onTick: (v: T) => void): Promise<T> {
  const deadline = Date.now() + c.timeoutMs;
  for (;;) {
    const v = await read();
    onTick(v);
    if (done(v)) return v;
    if (Date.now() > deadline) throw new CliError(EXIT.TIMEOUT, T(c, 'Hết thời gian chờ.', 'Timed out waiting.'));
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function claims(token: string | undefined): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token?.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}

/** `2026-01` → this officer's cycle id for that month; a cycle id passes through. */
function cycleIdOf(c: Ctx, ref: string | undefined): string {
  if (!ref)
    throw new CliError(
      EXIT.USAGE,
      T(c, 'Thiếu mã kỳ chi trả hoặc tháng (yyyy-mm).', 'Missing cycle id or month (yyyy-mm).'),
    );
  if (!/^\d{4}-\d{2}$/.test(ref)) return ref;
  const jurisdiction = claims(c.token)['ansinh:jurisdiction'];
  if (typeof jurisdiction !== 'string')
    throw new CliError(
      EXIT.USAGE,
      T(c, 'Token không có địa bàn; hãy dùng mã kỳ.', 'The token has no jurisdiction; use the cycle id.'),
    );
  return `dc-tcxh_hang_thang-${ref}-${jurisdiction}`;
}

const dateFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
/** dd/mm/yyyy, Vietnam time. */
const viDate = (iso: string | undefined) => (iso ? dateFmt.format(new Date(iso)) : '');

interface Column<T> {
  head: string;
  value: (item: T) => string;
  right?: boolean;
}

/** Columns padded to their widest cell (numbers to the right). */
function tableText<T>(columns: Column<T>[], items: T[]): string {
  const cells = [columns.map((col) => col.head), ...items.map((i) => columns.map((col) => col.value(i)))];
  const widths = columns.map((_, k) => Math.max(...cells.map((row) => (row[k] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, k) => (columns[k]?.right ? cell.padStart(widths[k] ?? 0) : cell.padEnd(widths[k] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * `<thing> ls`: one page of a list route (or every page with --all), newest first, as a table or --json
 * (`{ jurisdiction, items, nextCursor }`). A next page is announced on stderr with its --cursor.
 */
async function listCommand<T>(
  c: Ctx,
  path: string,
  filters: Record<string, string | undefined>,
  opts: Opts,
  columns: Column<T>[],
) {
  const limit = opts.limit ?? '20';
  if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 100)
    throw new CliError(EXIT.USAGE, T(c, '--limit phải từ 1 đến 100.', '--limit must be 1 to 100.'));
  const query = new URLSearchParams({ limit });
  for (const [k, v] of Object.entries({ ...filters, jurisdiction: opts.jurisdiction })) if (v) query.set(k, v);
  let cursor = opts.cursor;
  const items: T[] = [];
  let jurisdiction = '';
  do {
    const q = new URLSearchParams(query);
    if (cursor) q.set('cursor', cursor);
    const page = await call<{ jurisdiction: string; items: T[]; nextCursor?: string }>(c, 'GET', `${path}?${q}`);
    jurisdiction = page.jurisdiction;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (opts.all && cursor);
  print(
    c,
    { jurisdiction, items, ...(cursor ? { nextCursor: cursor } : {}) },
    items.length
      ? tableText(columns, items)
      : T(c, `Không có mục nào (địa bàn ${jurisdiction}).`, `Nothing here (jurisdiction ${jurisdiction}).`),
  );
  if (cursor && !c.json) c.err(`${T(c, 'Trang sau', 'Next page')}: --cursor ${cursor}\n`);
  return EXIT.OK;
}

function print(c: Ctx, value: unknown, human: string) {
  c.out(c.json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
}

// ------------------------------------------------------------------------------------------------ lists

function listSummary(c: Ctx, l: ListView): string {
  const t = l.totals;
  const lines = [`${T(c, 'Danh sách', 'List')} ${l.listId} (${l.fileName}): ${l.status}`];
  if (t) {
    lines.push(
      `  ${T(c, 'Số dòng', 'Rows')}: ${num(t.rows)} · ${T(c, 'Tài khoản đã mở', 'Accounts opened')}: ${num(t.accountsOpened)} · ${T(c, 'Cần xem lại', 'Flagged')}: ${num(t.flagged)}`,
    );
    for (const [o, n] of Object.entries(t.byOutcome ?? {})) lines.push(`  ${o.padEnd(26)} ${num(n as number)}`);
  }
  if (l.failure) lines.push(`  ${bilingual(l.failure.message) ?? ''} (${l.failure.code ?? '?'})`);
  return lines.join('\n');
}

async function lists(c: Ctx, sub: string | undefined, args: string[], opts: Opts): Promise<number> {
  const format = opts.format === 'csv' ? 'csv' : 'xlsx';
  switch (sub) {
    case 'template': {
      const res = await fetch(`${c.url}/v1/beneficiary-lists/template?format=${format}`, {
        headers: c.token ? { authorization: `Bearer ${c.token}` } : {},
      }).catch((err) => {
        throw new CliError(EXIT.UNREACHABLE, String(err));
      });
      if (!res.ok) throw apiError(res.status, (await res.json().catch(() => undefined)) as ErrorBody | undefined);
      const file = opts.output ?? `mau-danh-sach-tro-cap.${format}`;
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      print(c, { file }, `${T(c, 'Đã lưu', 'Saved')} ${file}`);
      return EXIT.OK;
    }
    case 'upload': {
      const [file] = args;
      if (!file) throw new CliError(EXIT.USAGE, T(c, 'Thiếu tệp danh sách.', 'Missing the list file.'));
      const first = await uploadFile<ListView>(c, '/v1/beneficiary-lists', file);
      if (first.duplicate)
        c.err(
          `${T(c, 'Tệp này đã được tải lên: mở danh sách cũ.', 'This file was uploaded before: the first list.')}\n`,
        );
      if (opts.noWait) {
        print(c, first, listSummary(c, first));
        return EXIT.OK;
      }
      const show = status(c, T(c, 'Đối chiếu', 'Verifying'));
      const list = await waitFor(
        c,
        () => call<ListView>(c, 'GET', `/v1/beneficiary-lists/${first.listId}`),
        (l) => ['COMPLETED', 'FAILED'].includes(l.status),
        (l) => show(l.status),
      );
      if (c.tty) c.err('\n');
      print(c, list, listSummary(c, list));
      if (list.status === 'FAILED') return EXIT.FAILED;
      return list.totals && list.totals.byOutcome?.ACCEPTED !== list.totals.rows ? EXIT.ATTENTION : EXIT.OK;
    }
    case 'ls':
      return listCommand<ListView>(
        c,
        '/v1/beneficiary-lists',
        { status: opts.status, mine: opts.mine ? 'true' : undefined },
        opts,
        [
          { head: T(c, 'Ngày tải', 'Uploaded'), value: (l) => viDate(l.createdAt) },
          { head: T(c, 'Mã', 'Id'), value: (l) => l.listId },
          { head: T(c, 'Trạng thái', 'Status'), value: (l) => l.status },
          { head: T(c, 'Số dòng', 'Rows'), value: (l) => (l.rows === undefined ? '' : num(l.rows)), right: true },
          {
            head: T(c, 'Hợp lệ', 'Accepted'),
            value: (l) => (l.byOutcome ? num(l.byOutcome.ACCEPTED) : ''),
            right: true,
          },
          { head: T(c, 'Tệp', 'File'), value: (l) => l.fileName ?? '' },
        ],
      );
    case 'show': {
      const list = await call<ListView>(c, 'GET', `/v1/beneficiary-lists/${need(c, args[0], 'listId')}`);
      print(c, list, listSummary(c, list));
      return list.status === 'FAILED' ? EXIT.FAILED : EXIT.OK;
    }
    case 'result': {
      const id = need(c, args[0], 'listId');
      return saveDownload(
        c,
        `/v1/beneficiary-lists/${encodeURIComponent(id)}/result?format=${format}`,
        opts.output ?? `ket-qua-${id}.${format}`,
      );
    }
    default:
      throw new CliError(EXIT.USAGE, HELP);
  }
}

// ------------------------------------------------------------------------------------------------ cycles

function cycleSummary(c: Ctx, cy: CycleView): string {
  const lines = [`${T(c, 'Kỳ chi trả', 'Cycle')} ${cy.cycleId}: ${cy.status}`];
  if (cy.totals) {
    lines.push(
      `  ${T(c, 'Người hưởng', 'Payees')}: ${num(cy.totals.payees)} · ${T(c, 'Tổng tiền', 'Total')}: ${vnd(cy.totals.amount)}`,
    );
    lines.push(`  ${T(c, 'Mã băm', 'Content hash')}: ${cy.contentHash}`);
    for (const r of cy.totals.byChannel ?? [])
      lines.push(`  ${String(r.key).padEnd(12)} ${num(r.people).padStart(8)} ${vnd(r.amount).padStart(20)}`);
  }
  if (cy.submittedHash) lines.push(`  ${T(c, 'Đã gửi duyệt', 'Submitted')}: ${cy.submittedHash}`);
  if (cy.approvedHash) lines.push(`  ${T(c, 'Đã phê duyệt', 'Approved')}: ${cy.approvedHash}`);
  if (cy.closing) {
    for (const s of ['SETTLED', 'REJECTED', 'RETURNED', 'UNKNOWN', 'NOT_SENT', 'notDispatched', 'PENDING'])
      lines.push(
        `  ${s.padEnd(13)} ${num(cy.closing[s]?.count).padStart(8)} ${vnd(cy.closing[s]?.amount).padStart(20)}`,
      );
    lines.push(
      `  ${T(c, 'Cân đối', 'Balanced')}: ${cy.closing.balanced?.count && cy.closing.balanced?.amount ? 'OK' : 'KHÔNG / NO'}`,
    );
  }
  return lines.join('\n');
}

const finished = (x: CycleView) => ['CLOSED', 'FAILED'].includes(x.status);

/**
 * The payment files are out: every chunk handed to its rail. What follows (the bank's answers, the post
 * office's, the settlement cut-off days later) is `cycles wait`'s to follow, not the approval's.
 */
export const filesSent = (x: CycleView) =>
  finished(x) || (!!x.progress && x.progress.chunks > 0 && x.progress.chunksDispatched >= x.progress.chunks);

/** What is still open once the files are sent: payments without a final answer, per state. */
function stillOpen(cy: CycleView): Record<'PENDING' | 'SENT' | 'ACCEPTED', number> | undefined {
  const by = cy.progress?.byState;
  if (finished(cy) || !by) return undefined;
  return { PENDING: by.PENDING ?? 0, SENT: by.SENT ?? 0, ACCEPTED: by.ACCEPTED ?? 0 };
}

function openLines(c: Ctx, cy: CycleView): string[] {
  const open = stillOpen(cy);
  if (!open) return [];
  const total = open.PENDING + open.SENT + open.ACCEPTED;
  if (total === 0) return [`  ${T(c, 'Đã gửi tệp; đang chờ đóng kỳ.', 'Files sent; the cycle is closing.')}`];
  return [
    `  ${T(c, 'Đã gửi tệp chi trả. Còn mở', 'Payment files sent. Still open')}: ${num(total)} (PENDING ${num(open.PENDING)}, SENT ${num(open.SENT)}, ACCEPTED ${num(open.ACCEPTED)})`,
    `  ${T(c, 'Bưu điện và ngân hàng trả lời đến hạn chốt; theo dõi bằng', 'The post office and the bank answer until the cut-off; follow with')}: ansinh cycles wait ${cy.cycleId}`,
  ];
}

async function followDispatch(
  c: Ctx,
  cycleId: string,
  until: (x: CycleView) => boolean = finished,
): Promise<CycleView> {
  const bar = progress(c, T(c, 'Chi trả', 'Paying'));
  const cy = await waitFor(
    c,
    () => call<CycleView>(c, 'GET', `/v1/disbursement-cycles/${cycleId}`),
    until,
    (x) => {
      const payees = x.totals?.payees ?? 0;
      const by = x.closing
        ? Object.fromEntries(Object.entries(x.closing).map(([k, v]) => [k, v?.count]))
        : (x.progress?.byState ?? {});
      const answered = ['SETTLED', 'REJECTED', 'RETURNED', 'UNKNOWN', 'NOT_SENT', 'notDispatched'].reduce(
        (n, k) => n + (by[k] ?? 0),
        0,
      );
      bar.update(payees ? answered / payees : 0, `${num(answered)}/${num(payees)} ${x.status}`);
    },
  );
  bar.done(cy.status);
  return cy;
}

async function cycles(c: Ctx, sub: string | undefined, args: string[], opts: Opts): Promise<number> {
  switch (sub) {
    case 'create': {
      const period = args[0];
      if (!period || !/^\d{4}-(0[1-9]|1[0-2])$/.test(period))
        throw new CliError(EXIT.USAGE, T(c, 'Tháng phải dạng yyyy-mm.', 'The month must be yyyy-mm.'));
      const first = await call<CycleView>(c, 'POST', '/v1/disbursement-cycles', { period });
      if (opts.noWait) {
        print(c, first, cycleSummary(c, first));
        return EXIT.OK;
      }
      const show = status(c, T(c, 'Tính toán', 'Computing'));
      const cy = await waitFor(
        c,
        () => call<CycleView>(c, 'GET', `/v1/disbursement-cycles/${first.cycleId}`),
        (x) => x.status !== 'COMPUTING',
        (x) => show(x.status),
      );
      if (c.tty) c.err('\n');
      print(c, cy, cycleSummary(c, cy));
      return cy.status === 'FAILED' ? EXIT.FAILED : EXIT.OK;
    }
    case 'ls':
      return listCommand<CycleView>(
        c,
        '/v1/disbursement-cycles',
        { period: opts.period, status: opts.status, programme: opts.programme },
        opts,
        [
          {
            head: T(c, 'Tháng', 'Month'),
            value: (x) => (x.period ? `${x.period.slice(5)}/${x.period.slice(0, 4)}` : ''),
          },
          { head: T(c, 'Mã kỳ', 'Cycle'), value: (x) => x.cycleId },
          { head: T(c, 'Trạng thái', 'Status'), value: (x) => x.status },
          {
            head: T(c, 'Người hưởng', 'Payees'),
            value: (x) => (x.payees === undefined ? '' : num(x.payees)),
            right: true,
          },
          {
            head: T(c, 'Tổng tiền', 'Total'),
            value: (x) => (x.amount === undefined ? '' : vnd(x.amount)),
            right: true,
          },
          { head: T(c, 'Ngày lập', 'Created'), value: (x) => viDate(x.createdAt) },
        ],
      );
    case 'show': {
      const cy = await call<CycleView>(c, 'GET', `/v1/disbursement-cycles/${cycleIdOf(c, args[0])}`);
      print(c, cy, cycleSummary(c, cy));
      return cy.status === 'FAILED' ? EXIT.FAILED : EXIT.OK;
    }
    case 'submit': {
      const id = cycleIdOf(c, args[0]);
      const hash = opts.hash ?? (await call<CycleView>(c, 'GET', `/v1/disbursement-cycles/${id}`)).contentHash;
      if (!hash) throw new CliError(EXIT.REFUSED, T(c, 'Kỳ chưa có bản nháp.', 'The cycle has no draft yet.'));
      await call<CycleView>(c, 'POST', `/v1/disbursement-cycles/${id}/submit`, { contentHash: hash });
      const cy = await call<CycleView>(c, 'GET', `/v1/disbursement-cycles/${id}`);
      print(c, cy, cycleSummary(c, cy));
      return EXIT.OK;
    }
    case 'approve': {
      const id = cycleIdOf(c, args[0]);
      if (!opts.hash) {
        const cy = await call<CycleView>(c, 'GET', `/v1/disbursement-cycles/${id}`);
        throw new CliError(
          EXIT.USAGE,
          `${cycleSummary(c, cy)}\n${T(c, 'Phê duyệt cần --hash: đúng mã băm bạn đã kiểm tra.', 'Approving needs --hash: the exact hash you checked.')}`,
        );
      }
      await call<CycleView>(c, 'POST', `/v1/disbursement-cycles/${id}/approve`, { contentHash: opts.hash });
      // Back once the files are sent (not after the days a post-office payment may take): says what is open.
      const cy = opts.noWait
        ? await call<CycleView>(c, 'GET', `/v1/disbursement-cycles/${id}`)
        : await followDispatch(c, id, filesSent);
      const open = stillOpen(cy);
      print(c, open ? { ...cy, stillOpen: open } : cy, [cycleSummary(c, cy), ...openLines(c, cy)].join('\n'));
      return cy.status === 'FAILED' ? EXIT.FAILED : EXIT.OK;
    }
    case 'cash-list': {
      const id = cycleIdOf(c, args[0]);
      const commune = need(c, args[1], 'communeCode');
      if (!/^\d{5}$/.test(commune))
        throw new CliError(EXIT.USAGE, T(c, 'Mã xã gồm 5 chữ số.', 'The commune code is 5 digits.'));
      const format = opts.format === 'csv' ? 'csv' : 'xlsx';
      return saveDownload(
        c,
        `/v1/disbursement-cycles/${encodeURIComponent(id)}/cash-lists/${commune}?format=${format}`,
        opts.output ?? `danh-sach-chi-tra-${id}-${commune}.${format}`,
      );
    }
    case 'wait': {
      const cy = await followDispatch(c, cycleIdOf(c, args[0]));
      print(c, cy, cycleSummary(c, cy));
      if (cy.status === 'FAILED') return EXIT.FAILED;
      return cy.closing?.balanced?.count && cy.closing?.balanced?.amount ? EXIT.OK : EXIT.ATTENTION;
    }
    default:
      throw new CliError(EXIT.USAGE, HELP);
  }
}

// ------------------------------------------------------------------------------------------------ statements

function outcomeLines(c: Ctx, outcomes: Outcome[]): string[] {
  return outcomes.map(
    (o) =>
      `  ${(o.label?.[c.lang] ?? o.outcome).padEnd(40)} ${num(o.count).padStart(8)} ${(o.outcome === 'FOREIGN_CURRENCY' ? '—' : vnd(o.amount)).padStart(20)}${o.severity >= 3 ? '  !' : ''}`,
  );
}

/** Statements in another currency: their own amounts and currency, never dong, outside the VND totals. */
function foreignLines(c: Ctx, statements: StatementView[]): string[] {
  return statements.flatMap((s) =>
    !s.foreign
      ? []
      : `  ${T(c, 'Ngoại tệ', 'Foreign currency')} ${s.statementId}: ${T(c, 'ghi có', 'credits')} ${s.foreign.credits} ${s.currency}, ${T(c, 'ghi nợ', 'debits')} ${s.foreign.debits} ${s.currency}${s.foreign.closingBalance !== undefined ? `, ${T(c, 'số dư cuối', 'closing')} ${s.foreign.closingBalance} ${s.currency}` : ''} (${T(c, 'không tính vào tổng VND', 'not in the VND totals')})`,
  );
}

async function statements(c: Ctx, sub: string | undefined, args: string[], opts: Opts): Promise<number> {
  const summary = (v: ImportView) =>
    [
      `${T(c, 'Sao kê', 'Statement')} ${v.importId} (${v.fileName}, ${v.format ?? '?'}): ${v.status}`,
      ...outcomeLines(c, v.outcomes ?? []),
      ...foreignLines(c, v.statements ?? []),
      ...(v.proposal && v.proposal.status !== 'NONE'
        ? [
            `  ${T(c, 'Thay đổi sổ cái', 'Ledger changes')}: ${num(v.proposal.changes)} — ${v.proposal.label?.[c.lang] ?? v.proposal.status}`,
            `  ${v.proposal.hash}`,
          ]
        : []),
    ].join('\n');
  const verdict = (v: ImportView) =>
    v.status === 'FAILED' ? EXIT.FAILED : (v.outcomes ?? []).some((o) => o.severity >= 3) ? EXIT.ATTENTION : EXIT.OK;
  switch (sub) {
    case 'import': {
      const [file] = args;
      if (!file) throw new CliError(EXIT.USAGE, T(c, 'Thiếu tệp sao kê.', 'Missing the statement file.'));
      const first = await uploadFile<ImportView>(c, '/v1/statements', file);
      if (opts.noWait) {
        print(c, first, summary(first));
        return EXIT.OK;
      }
      const show = status(c, T(c, 'Đối chiếu', 'Reconciling'));
      const v = await waitFor(
        c,
        () => call<ImportView>(c, 'GET', `/v1/statements/${first.importId}`),
        (x) => ['COMPLETED', 'FAILED'].includes(x.status),
        (x) => show(`${x.status} ${num(x.entriesProcessed)}`),
      );
      if (c.tty) c.err('\n');
      print(c, v, summary(v));
      return verdict(v);
    }
    case 'ls':
      return listCommand<ImportView>(c, '/v1/statements', { status: opts.status }, opts, [
        { head: T(c, 'Ngày nạp', 'Loaded'), value: (x) => viDate(x.createdAt) },
        { head: T(c, 'Mã', 'Id'), value: (x) => x.importId },
        { head: T(c, 'Trạng thái', 'Status'), value: (x) => x.status },
        { head: T(c, 'Số dòng', 'Lines'), value: (x) => (x.lines === undefined ? '' : num(x.lines)), right: true },
        { head: T(c, 'Tệp', 'File'), value: (x) => x.fileName ?? '' },
      ]);
    case 'show': {
      const v = await call<ImportView>(c, 'GET', `/v1/statements/${need(c, args[0], 'importId')}`);
      print(c, v, summary(v));
      return verdict(v);
    }
    case 'report': {
      const id = need(c, args[0], 'importId');
      const format = opts.format === 'csv' ? 'csv' : 'xlsx';
      return saveDownload(
        c,
        `/v1/statements/${encodeURIComponent(id)}/report?format=${format}`,
        opts.output ?? `doi-chieu-${id}.${format}`,
      );
    }
    case 'confirm': {
      const id = need(c, args[0], 'importId');
      if (!opts.hash) {
        const v = await call<ImportView>(c, 'GET', `/v1/statements/${id}`);
        throw new CliError(
          EXIT.USAGE,
          `${summary(v)}\n${T(c, 'Xác nhận cần --hash: đúng mã băm của tập thay đổi bạn đã kiểm tra.', 'Confirming needs --hash: the exact hash of the changes you checked.')}`,
        );
      }
      const v = await call<ImportView>(c, 'POST', `/v1/statements/${id}/confirm`, { proposalHash: opts.hash });
      print(c, v, summary(v));
      return EXIT.OK;
    }
    default:
      throw new CliError(EXIT.USAGE, HELP);
  }
}

async function reconciliation(c: Ctx, args: string[], opts: Opts): Promise<number> {
  const id = cycleIdOf(c, args[0]);
  const q = new URLSearchParams();
  if (opts.asOf) q.set('asOf', opts.asOf);
  if (opts.dueDays) q.set('dueDays', opts.dueDays);
  const r = await call<CycleReconciliation>(
    c,
    'GET',
    `/v1/disbursement-cycles/${id}/reconciliation${q.size ? `?${q}` : ''}`,
  );
  const balanced = !!(r.balanced?.count && r.balanced?.amount);
  print(
    c,
    r,
    [
      `${T(c, 'Đối soát', 'Reconciliation')} ${r.cycleId} (${T(c, 'tính đến', 'as of')} ${r.asOf})`,
      `  ${T(c, 'Đã phê duyệt', 'Approved')}: ${num(r.approved?.count)} · ${vnd(r.approved?.amount)}`,
      ...outcomeLines(c, r.outcomes ?? []),
      `  ${T(c, 'Cân đối', 'Balanced')}: ${balanced ? 'OK' : 'KHÔNG / NO'}`,
      ...((r.byCategory ?? []).length ? [T(c, 'Theo đối tượng:', 'By category:')] : []),
      ...(r.byCategory ?? []).map(
        (k) =>
          `  ${(k.label?.[c.lang] ?? k.category).padEnd(40)} ${num(k.count).padStart(8)} ${vnd(k.amount).padStart(20)}  ${(
            k.outcomes ?? []
          )
            .map((o) => `${o.outcome} ${num(o.count)}`)
            .join(', ')}`,
      ),
    ].join('\n'),
  );
  return balanced && !(r.outcomes ?? []).some((o) => o.severity >= 2) ? EXIT.OK : EXIT.ATTENTION;
}

// ------------------------------------------------------------------------------------------------ trace

const TRACE_TITLES: Record<string, [string, string]> = {
  LIST_ROW: ['Danh sách và dòng ghi danh', 'Enrolling list and row'],
  ACCOUNT: ['Tài khoản và các thay đổi', 'Account and its changes'],
  ENTITLEMENT: ['Các dòng hưởng', 'Entitlement lines'],
  CYCLE: ['Kỳ chi trả và phê duyệt', 'Cycle and approval'],
  PAIN001: ['Lệnh chuyển tiền pain.001', 'pain.001 message and block'],
  STATUSES: ['Các trạng thái', 'Statuses'],
  STATEMENT_LINES: ['Dòng sao kê', 'Statement lines'],
  RECONCILIATION: ['Kết quả đối soát', 'Reconciliation outcome'],
  CASE: ['Hồ sơ xử lý', 'Case'],
  NOTIFICATIONS: ['Thông báo', 'Notifications'],
};

/** `key=value` pairs of a step, nested lists one per line: readable, and every value there to grep. */
function traceStepLines(step: TraceStep): string[] {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(step)) {
    if (k === 'step' || k === 'recorded' || v === undefined) continue;
    if (Array.isArray(v) && v.some((x) => typeof x === 'object')) {
      lines.push(`    ${k}:`);
      for (const item of v) lines.push(`      - ${JSON.stringify(item)}`);
    } else lines.push(`    ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  return lines;
}

async function trace(c: Ctx, paymentId: string | undefined): Promise<number> {
  const id = need(c, paymentId, 'paymentId');
  const t = await call<TraceView>(c, 'GET', `/v1/payments/${encodeURIComponent(id)}/trace`);
  const human = [
    `${T(c, 'Truy vết khoản chi', 'Trace of payment')} ${t.paymentId} · ${t.period} · ${vnd(t.amount)} · ${t.state}`,
    ...t.steps.flatMap((s, i) => [
      `${i + 1}. ${T(c, ...(TRACE_TITLES[s.step] ?? [s.step, s.step]))}${s.recorded ? '' : T(c, ' (chưa có)', ' (none)')}`,
      ...traceStepLines(s),
    ]),
  ].join('\n');
  print(c, t, human);
  return EXIT.OK;
}

// ------------------------------------------------------------------------------------------------ main

interface Opts {
  output?: string;
  format?: string;
  hash?: string;
  noWait?: boolean;
  asOf?: string;
  dueDays?: string;
  status?: string;
  period?: string;
  programme?: string;
  mine?: boolean;
  jurisdiction?: string;
  limit?: string;
  cursor?: string;
  all?: boolean;
}

function need(c: Ctx, v: string | undefined, what: string): string {
  if (!v) throw new CliError(EXIT.USAGE, `${T(c, 'Thiếu', 'Missing')} ${what}`);
  return v;
}

export interface RunIo {
  env?: NodeJS.ProcessEnv;
  out?: (text: string) => void;
  err?: (text: string) => void;
  tty?: boolean;
}

export async function run(argv: string[], io: RunIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const out = io.out ?? ((t: string) => void process.stdout.write(t));
  const err = io.err ?? ((t: string) => void process.stderr.write(t));
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        user: { type: 'string' },
        json: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        lang: { type: 'string' },
        output: { type: 'string', short: 'o' },
        format: { type: 'string' },
        hash: { type: 'string' },
        'no-wait': { type: 'boolean', default: false },
        'as-of': { type: 'string' },
        'due-days': { type: 'string' },
        status: { type: 'string' },
        period: { type: 'string' },
        programme: { type: 'string' },
        mine: { type: 'boolean', default: false },
        jurisdiction: { type: 'string' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
        all: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  try {
    parsed = parse();
  } catch (e) {
    err(`${(e as Error).message}\n\n${HELP}`);
    return EXIT.USAGE;
  }
  const { values: v, positionals } = parsed;
  const [command, sub, ...rest] = positionals;
  if (v.help || !command || command === 'help') {
    out(HELP);
    return command || v.help ? EXIT.OK : EXIT.USAGE;
  }
  const c: Ctx = {
    url: (v.url ?? env.ANSINH_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    token: env.ANSINH_TOKEN,
    json: v.json ?? false,
    timeoutMs: Number(v.timeout ?? 600) * 1000,
    lang: (v.lang ?? env.ANSINH_LANG) === 'en' ? 'en' : 'vi',
    out,
    err,
    tty: io.tty ?? !!process.stderr.isTTY,
  };
  const opts: Opts = {
    ...(v.output ? { output: v.output } : {}),
    ...(v.format ? { format: v.format } : {}),
    ...(v.hash ? { hash: v.hash } : {}),
    ...(v['no-wait'] ? { noWait: true } : {}),
    ...(v['as-of'] ? { asOf: v['as-of'] } : {}),
    ...(v['due-days'] ? { dueDays: v['due-days'] } : {}),
    ...(v.status ? { status: v.status } : {}),
    ...(v.period ? { period: v.period } : {}),
    ...(v.programme ? { programme: v.programme } : {}),
    ...(v.mine ? { mine: true } : {}),
    ...(v.jurisdiction ? { jurisdiction: v.jurisdiction } : {}),
    ...(v.limit ? { limit: v.limit } : {}),
    ...(v.cursor ? { cursor: v.cursor } : {}),
    ...(v.all ? { all: true } : {}),
  };
  try {
    if (v.user) {
      const t = await call<{ access_token: string }>(
        c,
        'GET',
        `/local/oidc/token?user=${encodeURIComponent(v.user)}`,
      ).catch((e: CliError) => {
        throw e.exitCode === EXIT.NOT_FOUND
          ? new CliError(EXIT.AUTH, `${T(c, 'Không có người dùng', 'No such user')} ${v.user}`)
          : e;
      });
      c.token = t.access_token;
    }
    if (command === 'login') {
      if (!c.token) throw new CliError(EXIT.USAGE, T(c, 'Dùng --user <tên>.', 'Use --user <name>.'));
      print(c, { access_token: c.token }, `export ANSINH_TOKEN=${c.token}`);
      return EXIT.OK;
    }
    if (!c.token)
      throw new CliError(
        EXIT.AUTH,
        T(c, 'Chưa đăng nhập: đặt ANSINH_TOKEN hoặc dùng --user.', 'Not signed in: set ANSINH_TOKEN or use --user.'),
      );
    switch (command) {
      case 'lists':
        return await lists(c, sub, rest, opts);
      case 'cycles':
        return await cycles(c, sub, rest, opts);
      case 'statements':
        return await statements(c, sub, rest, opts);
      case 'reconciliation':
        return await reconciliation(c, [sub ?? '', ...rest].filter(Boolean), opts);
      case 'trace':
        return await trace(c, sub);
      default:
        throw new CliError(EXIT.USAGE, HELP);
    }
  } catch (e) {
    if (e instanceof CliError) {
      err(`${e.message}\n`);
      return e.exitCode;
    }
    err(`${(e as Error).stack ?? e}\n`);
    return EXIT.ERROR;
  }
}
