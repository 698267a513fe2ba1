/**
 * The simulation's driver: a seed gives a sequence (people, chunk size, steps with their faults), a sequence
 * runs deterministically in a fresh world with the invariants checked after every step, and a failing
 * sequence is shrunk to a shortest one that still fails, to print and replay.
 */
import { snapshot, violation } from './invariants.js';
import { Rng } from './rng.js';
import {
  type BankFault,
  periodsFrom,
  type Sequence,
  type SimPerson,
  type Step,
  Violation,
  World,
  type WorldOptions,
} from './world.js';

const PERIODS = periodsFrom('2026-01', 3);

export function generate(seed: number): Sequence {
  const r = new Rng(seed);
  const people: SimPerson[] = Array.from({ length: 1 + r.int(4) }, (_, n) => {
    const start = r.pick(['2025-12', '2026-01', '2026-02']);
    const bank = !r.oneIn(3);
    const communeCode = '26734';
    return {
      account: {
        personId: `PER${n + 1}`,
        accountNumber: `790000000${n + 1}`,
        fullName: 'Nguyễn Thị Hoa',
        communeCode,
        paymentMethod: bank
          ? { kind: 'BANK', bankBin: '970436', bankAccountNumber: `00123456${n + 1}`, communeCode }
          : { kind: 'POST_OFFICE', communeCode },
      },
      categories: [{ code: 'NCT_80', decisionDate: `${start}-10`, startMonth: start }],
    };
  });
  const steps: Step[] = [];
  let nextPeriod = 0;
  const length = 10 + r.int(70);
  for (let n = 0; n < length; n++) {
    const cycle = r.int(6);
    const pick = r.int(8);
    switch (
      r.weighted({
        monthly: 3,
        supplementary: 4,
        approve: 4,
        deliver: 12,
        callback: 10,
        cutoff: 4,
        close: 3,
        return: 1,
        statement: 2,
        officer: 4,
        restart: 1,
      })
    ) {
      case 'monthly': {
        const inOrder = !r.oneIn(3) && nextPeriod < PERIODS.length;
        steps.push({ k: 'monthly', period: inOrder ? (PERIODS[nextPeriod++] as string) : r.pick(PERIODS) });
        break;
      }
      case 'supplementary':
        steps.push({ k: 'supplementary', period: r.pick(PERIODS), crashAfter: r.oneIn(4) ? r.int(2) : -1 });
        break;
      case 'approve':
        steps.push({ k: 'approve', cycle });
        break;
      case 'deliver': {
        const bank = r.weighted<BankFault>({ ok: 14, '503': 3, timeout: 3 });
        steps.push({ k: 'deliver', pick, crashAt: r.oneIn(3) ? r.int(8) : -1, bank });
        break;
      }
      case 'callback':
        steps.push({ k: 'callback', pick, dup: r.oneIn(5), lose: r.oneIn(10) });
        break;
      case 'cutoff':
        steps.push({ k: 'cutoff', cycle, crashAfter: r.oneIn(4) ? r.int(3) : -1, noAnswer: r.oneIn(10) });
        break;
      case 'close':
        steps.push({ k: 'close', cycle });
        break;
      case 'return':
        steps.push({ k: 'return', pick });
        break;
      case 'statement':
        steps.push({ k: 'statement', again: r.oneIn(4) ? r.int(3) : null });
        break;
      case 'officer':
        steps.push({ k: 'officer', pick });
        break;
      case 'restart':
        steps.push({ k: 'restart' });
        break;
    }
  }
  return { config: { seed, people, chunkSize: 1 + r.int(3) }, steps };
}

export interface RunOptions extends WorldOptions {
  /** Each step and what it did, for a replay. */
  trace?: (line: string) => void;
}

export interface Failure {
  /** 0-based index of the step after which the invariant broke. */
  step: number;
  message: string;
}

export function runSequence(seq: Sequence, opts: RunOptions = {}): { world: World; failure?: Failure } {
  const world = new World(seq.config, opts);
  let before = snapshot(world);
  for (const [n, step] of seq.steps.entries()) {
    let message: string | undefined;
    try {
      world.run(step);
      message = violation(world, before);
    } catch (err) {
      if (!(err instanceof Violation)) throw err;
      message = err.message;
    }
    if (opts.trace) {
      opts.trace(`#${n} ${JSON.stringify(step)}`);
      for (const line of world.log.splice(0)) opts.trace(line);
    }
    if (message) return { world, failure: { step: n, message } };
    before = snapshot(world);
  }
  return { world };
}

const fails = (seq: Sequence, opts: RunOptions) => runSequence(seq, { ...opts, trace: undefined }).failure;

/**
 * The shortest failing sequence we can find: steps after the failure dropped, then chunks of steps and single
 * steps removed while it still fails (every step is a no-op where it does not apply), then people removed.
 */
export function shrink(seq: Sequence, opts: RunOptions = {}): Sequence {
  const first = fails(seq, opts);
  if (!first) return seq;
  let best: Sequence = { ...seq, steps: seq.steps.slice(0, first.step + 1) };
  for (let size = Math.max(1, Math.floor(best.steps.length / 2)); size >= 1; size = Math.floor(size / 2)) {
    for (let at = 0; at < best.steps.length; ) {
      const steps = best.steps.slice(0, at).concat(best.steps.slice(at + size));
      const f = fails({ ...best, steps }, opts);
      if (f) best = { ...best, steps: steps.slice(0, f.step + 1) };
      else at += size;
    }
  }
  for (let p = best.config.people.length - 1; p >= 0 && best.config.people.length > 1; p--) {
    const people = best.config.people.filter((_, n) => n !== p);
    const candidate = { ...best, config: { ...best.config, people } };
    if (fails(candidate, opts)) best = candidate;
  }
  return best;
}

export interface ManyResult {
  runs: number;
  failure?: { seed: number; failure: Failure; shrunk: Sequence };
  /** How often each ending was reached, to show the faults are not generated away. */
  endings: Record<string, number>;
}

/** `runs` sequences from seeds `seed`, `seed + 1`, …; stops at the first failure (shrunk). */
export function runMany(seed: number, runs: number, opts: RunOptions = {}): ManyResult {
  const endings: Record<string, number> = {};
  for (let n = 0; n < runs; n++) {
    const s = seed + n;
    const seq = generate(s);
    const { world, failure } = runSequence(seq, opts);
    if (failure) return { runs: n + 1, failure: { seed: s, failure, shrunk: shrink(seq, opts) }, endings };
    for (const h of world.heads.values()) endings[h.state] = (endings[h.state] ?? 0) + 1;
    for (const c of world.cycles) {
      if (c.closing) endings.CLOSED_CYCLES = (endings.CLOSED_CYCLES ?? 0) + 1;
      if (c.kind === 'SUPPLEMENTARY' && c.draft?.chunks.length) endings.REISSUES = (endings.REISSUES ?? 0) + 1;
    }
    if (world.dlq.length) endings.DEAD_LETTERED = (endings.DEAD_LETTERED ?? 0) + 1;
  }
  return { runs, endings };
}

/** The failure as a person reads it: the seed, the broken invariant, the shortest sequence, how to replay. */
export function describeFailure(f: NonNullable<ManyResult['failure']>, replayFile?: string): string {
  const steps = f.shrunk.steps.map((s, n) => `  #${n} ${JSON.stringify(s)}`).join('\n');
  return [
    `Simulation failed: seed ${f.seed}, step ${f.failure.step}: ${f.failure.message}`,
    `Shortest failing sequence (${f.shrunk.steps.length} of the seed's steps, ${f.shrunk.config.people.length} people, chunks of ${f.shrunk.config.chunkSize}):`,
    steps,
    `Again: npm run simulate -- --seed ${f.seed} --runs 1`,
    ...(replayFile ? [`Replay the shortest: npm run simulate -- --replay ${replayFile}`] : []),
  ].join('\n');
}
