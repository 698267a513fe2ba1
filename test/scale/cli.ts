/**
 * npm run scale -- --payees 600000 --national 5000000 [--open-at-cutoff 1] [--approval-hours 24]
 *                  [--cost-open-at-cutoff 0.01]
 *
 * The limits are checked for the case the cut-off exists for (every payment still open: the bank's callbacks
 * lost); the costs are those of a normal month (1 % open at the cut-off).
 *
 * Prints, for the largest province (`--payees`), each step's invocations, busiest invocation, Step Functions
 * transitions and events, DynamoDB units and hottest key, SQS requests and GB-seconds, the AWS limits broken,
 * and the cost per million payments; then the nation's month (`--national`, the other 33 provinces even).
 */
import { parseArgs } from 'node:util';
import { chunkRows } from '../../functions/beneficiary-lists/onboarding-config.js';
import { computeShardSize } from '../../functions/disbursement-cycles/compute-shards.js';
import { cutoffMinutes } from '../../functions/disbursement-cycles/cutoff.js';
import { DRAFT_CHUNK } from '../../functions/disbursement-cycles/draft-objects.js';
import { RECONCILE_BATCH, reconcileBudgetSeconds } from '../../functions/reconciliation/run-budget.js';
import { system } from '../../infra/system.js';
import {
  breaches,
  costOf,
  costPerMillionPayments,
  dataDates,
  definitionInputs,
  LIMITS,
  modelSteps,
  perItemMs,
  prices,
  runEvents,
} from './model.js';

const PROVINCES = 34; // after the 2025 mergers

const { values } = parseArgs({
  options: {
    payees: { type: 'string', default: '600000' },
    national: { type: 'string', default: '5000000' },
    'open-at-cutoff': { type: 'string', default: '1' },
    'approval-hours': { type: 'string', default: '24' },
    'cost-open-at-cutoff': { type: 'string', default: '0.01' },
  },
});
const payees = Number(values.payees);
const national = Number(values.national);
const scenario = {
  payees,
  openAtCutoff: Number(values['open-at-cutoff']),
  approvalHours: Number(values['approval-hours']),
};
if (!(payees > 0) || !(national >= payees) || !(scenario.openAtCutoff >= 0 && scenario.openAtCutoff <= 1)) {
  console.error('--payees > 0, --national ≥ --payees, --open-at-cutoff in [0, 1]');
  process.exit(2);
}

const def = definitionInputs(system.functions, {
  listChunkRows: chunkRows(),
  draftChunk: DRAFT_CHUNK,
  computeShard: computeShardSize(),
  cutoffMinutes: cutoffMinutes(),
  reconcileBudgetSeconds: reconcileBudgetSeconds(),
  reconcileBatch: RECONCILE_BATCH,
});
const rows = modelSteps(def, scenario, perItemMs());
const broken = breaches(rows);
const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });
const usd = (x: number) => `$${x.toFixed(x < 1 ? 4 : 2)}`;

console.log(`Scale model: ${n(payees)} payees in one province, ${n(national)} nationally (platform as on main)`);
console.log(
  `Per-item costs read ${dataDates().costs} (test/scale/data/per-item-costs.json); prices ${dataDates().region}, ${dataDates().prices} (test/scale/data/prices-ap-southeast-1.json, not read online)\n`,
);
const table = rows.map((r) => ({
  flow: r.flow,
  step: r.step,
  invocations: n(r.invocations),
  'busiest items': n(r.busiestItems),
  'busiest s': n(r.busiestSeconds, 1),
  'SFN transitions': n(r.transitions),
  'SFN events': n(r.events),
  'payload KB': n(r.payloadBytes / 1024, 1),
  RRU: n(r.readUnits),
  WRU: n(r.writeUnits),
  'hottest key': r.hotKey,
  'key writes/s': n(r.hotKeyWritesPerSecond),
  SQS: n(r.sqsRequests),
  'GB-s': n(r.gbSeconds, 1),
  breaks: broken
    .filter((b) => b.step === r.step && b.flow === r.flow)
    .map((b) => b.limit)
    .join(', '),
}));
console.table(table);
const events = runEvents(rows);
console.log(
  `History events per run: onboarding ${n(events.onboarding)}, disbursement ${n(events.disbursement)} (limit ${n(LIMITS.historyEvents)})`,
);
console.log(
  `\nLimits: ${LIMITS.invocationSeconds} s per invocation, ${n(LIMITS.historyEvents)} history events per run, ${LIMITS.payloadBytes / 1024} KB payload, ${n(LIMITS.keyWritesPerSecond)} writes/s per partition key`,
);
if (broken.length) {
  console.log('BROKEN:');
  for (const b of broken) console.log(`  ${b.flow} / ${b.step}: ${b.limit} = ${n(b.value, 1)} > ${n(LIMITS[b.limit])}`);
} else console.log('No limit broken.');

const costScenario = { ...scenario, openAtCutoff: Number(values['cost-open-at-cutoff']) };
const costRows = modelSteps(def, costScenario, perItemMs());
const perMillion = costPerMillionPayments(costRows, payees, prices());
console.log(
  `\nCost per million payments (a month's disbursement + reconciliation, ${costScenario.openAtCutoff * 100} % open at the cut-off): ${usd(perMillion.total)} — Lambda ${usd(perMillion.lambda)}, Step Functions ${usd(perMillion.stepFunctions)}, DynamoDB ${usd(perMillion.dynamodb)}, SQS ${usd(perMillion.sqs)}, S3 ${usd(perMillion.s3)}`,
);
const onboarding = costOf(
  costRows.filter((r) => r.flow === 'onboarding'),
  prices(),
);
console.log(`Onboarding, per million rows (once per list): ${usd((onboarding.total * 1_000_000) / payees)}`);
const others = Math.ceil((national - payees) / (PROVINCES - 1));
const otherRows = modelSteps(def, { ...costScenario, payees: others }, perItemMs());
const otherLimits = breaches(modelSteps(def, { ...scenario, payees: others }, perItemMs()));
const month =
  costOf(
    costRows.filter((r) => r.flow !== 'onboarding'),
    prices(),
  ).total +
  (PROVINCES - 1) *
    costOf(
      otherRows.filter((r) => r.flow !== 'onboarding'),
      prices(),
    ).total;
console.log(
  `National month: ${n(national)} payments, this province + ${PROVINCES - 1} of ${n(others)} payees: ${usd(month)}; a province of ${n(others)} breaks ${otherLimits.length ? otherLimits.map((b) => `${b.step} (${b.limit})`).join(', ') : 'nothing'}`,
);
