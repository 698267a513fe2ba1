/**
 * The local population registry: the contract of `schemas/population-registry.ts` over node:http, on
 * 127.0.0.1 only. `POST /v1/people:batchGet` with `{ personalIds }` (1..100) answers `{ people, notFound }`;
 * a body that fails the schema gets 400 with an ErrorBody; other paths 404; other methods on the path 405.
 *
 * Serves the deterministic synthetic population `DEFAULT_POPULATION` (generated in memory, nothing read from
 * disk) by default, a population CSV with `populationFile`, or another generated population with `generated`.
 * Faults can be injected (and changed while running) for tests and demos. `stats` counts requests and the most
 * requests in flight at once.
 *
 * The index is a snapshot; the national registry changes after the fact. `recordDeath` (civil registration
 * of a death) and `removePerson` (a record cancelled, e.g. an identity number withdrawn) change what this
 * server answers from then on, through a small overlay map over the index (the index itself, possibly
 * shared with other servers, is never changed). In-process only, for tests and demos: no HTTP path
 * exposes them, so the HTTP contract stays that of `schemas/population-registry.ts`.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ErrorBody } from '../../../schemas/messages.js';
import { RegistryBatchRequest, type RegistryPerson } from '../../../schemas/population-registry.js';
import { DEFAULT_POPULATION, PopulationIndex, populationLines } from './population-index.js';

export const BATCH_GET_PATH = '/v1/people:batchGet';
const MAX_BODY_BYTES = 64 * 1024;

export interface RegistryFaults {
  /** The next n requests answer 503. */
  failNext?: number;
  /** The next n requests answer 429 with `Retry-After: retryAfterSeconds` (default 1). */
  throttleNext?: number;
  retryAfterSeconds?: number;
  /** Every request waits this long before answering (including faulty answers). */
  delayMs?: number;
  /** The next n requests answer 200 with a body that breaks the contract. */
  malformedNext?: number;
  /** The next n requests answer 400 whatever they carry (to test that clients do not retry a 400). */
  badRequestNext?: number;
}

export interface RegistryServerStats {
  requests: number;
  /** Ids asked for in requests that reached the look-up. */
  idsRequested: number;
  inFlight: number;
  maxInFlight: number;
}

export interface RegistryServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  populationFile?: string | URL;
  generated?: { count: number; seed: number };
  faults?: RegistryFaults;
  /** An index already loaded (tests share one across servers). */
  index?: PopulationIndex;
}

export interface RegistryServer {
  url: string;
  port: number;
  index: PopulationIndex;
  stats: RegistryServerStats;
  resetStats(): void;
  setFaults(f: RegistryFaults): void;
  /**
   * Civil registration of a death: from now on the person answers `deceased` with this date (YYYY-MM-DD).
   * Throws when the registry does not know the id.
   */
  recordDeath(personalId: string, dateOfDeath: string): void;
  /** The record is cancelled: from now on the id answers as not found. */
  removePerson(personalId: string): void;
  stop(): Promise<void>;
}

export async function loadPopulation(o: Pick<RegistryServerOptions, 'populationFile' | 'generated'>) {
  if (o.populationFile === undefined) {
    const { count, seed } = o.generated ?? DEFAULT_POPULATION;
    return PopulationIndex.fromLines(populationLines(count, seed));
  }
  const file = o.populationFile;
  const path = file instanceof URL ? fileURLToPath(file) : file;
  if (!existsSync(path)) {
    throw new Error(
      `Population file not found: ${path}. Omit populationFile (--file) to serve the built-in synthetic ` +
        'population, or pass generated (--generate N).',
    );
  }
  return PopulationIndex.fromFile(path);
}

function errorBody(code: string, vi: string, en: string, details?: unknown): ErrorBody {
  return { error: { code, message: { vi, en }, ...(details === undefined ? {} : { details }) } };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function take(faults: RegistryFaults, key: 'failNext' | 'throttleNext' | 'malformedNext' | 'badRequestNext') {
  const n = faults[key] ?? 0;
  if (n <= 0) return false;
  faults[key] = n - 1;
  return true;
}

export async function startRegistryServer(o: RegistryServerOptions = {}): Promise<RegistryServer> {
  const index = o.index ?? (await loadPopulation(o));
  let faults: RegistryFaults = { ...o.faults };
  const stats: RegistryServerStats = { requests: 0, idsRequested: 0, inFlight: 0, maxInFlight: 0 };
  /** Changes registered after the index was built: a person's new record, or null once removed. */
  const overlay = new Map<string, RegistryPerson | null>();
  const lookup = (id: string) => (overlay.has(id) ? (overlay.get(id) ?? undefined) : index.get(id));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== BATCH_GET_PATH) {
      req.resume();
      send(res, 404, errorBody('NOT_FOUND', 'Không có tài nguyên này.', 'No such resource.'));
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      send(res, 405, errorBody('METHOD_NOT_ALLOWED', 'Chỉ hỗ trợ POST.', 'Only POST is supported.'), {
        allow: 'POST',
      });
      return;
    }
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      const text = await readBody(req);
      const f = faults;
      if (f.delayMs && f.delayMs > 0) await new Promise((r) => setTimeout(r, f.delayMs));
      if (take(f, 'failNext')) {
        send(res, 503, errorBody('UNAVAILABLE', 'Hệ thống tạm thời không phục vụ.', 'Temporarily unavailable.'));
        return;
      }
      if (take(f, 'throttleNext')) {
        send(res, 429, errorBody('THROTTLED', 'Quá nhiều yêu cầu.', 'Too many requests.'), {
          'retry-after': String(f.retryAfterSeconds ?? 1),
        });
        return;
      }
      if (take(f, 'malformedNext')) {
        send(res, 200, { people: [{ personalId: 'not-an-id' }], notFound: 'nope' });
        return;
      }
      if (take(f, 'badRequestNext')) {
        send(res, 400, errorBody('BAD_REQUEST', 'Yêu cầu không hợp lệ.', 'Bad request (injected fault).'));
        return;
      }
      if (text === undefined) {
        send(res, 413, errorBody('PAYLOAD_TOO_LARGE', 'Yêu cầu quá lớn.', 'Request body too large.'));
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        send(res, 400, errorBody('BAD_REQUEST', 'Nội dung không phải JSON.', 'The body is not JSON.'));
        return;
      }
      const parsed = RegistryBatchRequest.safeParse(json);
      if (!parsed.success) {
        // Issue paths and messages only: zod does not echo the values, which may be identity numbers.
        const details = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message }));
        send(
          res,
          400,
          errorBody(
            'BAD_REQUEST',
            'Yêu cầu phải có personalIds: 1 đến 100 số định danh, mỗi số 12 chữ số.',
            'The request must carry personalIds: 1 to 100 identity numbers of 12 digits each.',
            details,
          ),
        );
        return;
      }
      const people: RegistryPerson[] = [];
      const notFound: string[] = [];
      for (const id of new Set(parsed.data.personalIds)) {
        const p = lookup(id);
        if (p) people.push(p);
        else notFound.push(id);
      }
      stats.idsRequested += parsed.data.personalIds.length;
      send(res, 200, { people, notFound });
    } finally {
      stats.inFlight--;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, errorBody('INTERNAL', 'Lỗi hệ thống.', 'Internal error.'));
      else res.destroy();
    });
  });
  // A client that timed out and left must not crash the server when the late answer is written.
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    index,
    stats,
    resetStats() {
      Object.assign(stats, { requests: 0, idsRequested: 0, maxInFlight: stats.inFlight });
    },
    setFaults(f: RegistryFaults) {
      faults = { ...f };
    },
    recordDeath(personalId: string, dateOfDeath: string) {
      const person = lookup(personalId);
      if (!person) throw new Error('recordDeath: the registry has no such person');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(dateOfDeath) || dateOfDeath < person.dateOfBirth) {
        throw new RangeError('recordDeath: dateOfDeath must be a YYYY-MM-DD date on or after the date of birth');
      }
      overlay.set(personalId, { ...person, status: 'deceased', dateOfDeath });
    },
    removePerson(personalId: string) {
      overlay.set(personalId, null);
    },
    stop() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
