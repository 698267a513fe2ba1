/**
 * What each operations dashboard shows is derived from the definition (infra/cdk/flows.ts), and the runbook
 * has a section for every alarm the definition implies.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { apiViewOf, flowsOf } from '../../../infra/cdk/flows.js';
import { alarmName } from '../../../infra/cdk/operations.js';
import { system } from '../../../infra/system.js';
import { FLOWS, type SystemDef } from '../../../infra/system-model.js';

const tiny: SystemDef = {
  name: 't',
  tables: {},
  buckets: {},
  queues: { q: { flow: 'reconciliation', description: '', visibilityTimeoutSeconds: 180, maxReceiveCount: 3 } },
  stateMachines: {
    m: { flow: 'onboarding', description: '', definitionFile: 'x.json', functions: { A: 'task' } },
  },
  functions: {
    task: { description: '', entry: 'functions/a/task.ts' },
    starter: { description: '', entry: 'functions/a/start.ts', uses: { stateMachines: { m: 'start' } } },
    sender: { description: '', entry: 'functions/b/send.ts', uses: { queues: { q: 'send' } } },
    consumer: {
      description: '',
      entry: 'functions/b/consume.ts',
      triggers: [{ kind: 'queue', queue: 'q', batchSize: 1 }],
      alarms: [{ metric: 'Bad', description: '', threshold: 0 }],
    },
    sweep: { description: '', entry: 'functions/c/sweep.ts', flow: 'disbursement' },
    health: { description: '', entry: 'functions/h/health.ts', uses: { describeAll: true } },
    lonely: { description: '', entry: 'functions/c/lonely.ts' },
  },
  routes: [
    { method: 'GET', path: '/v1/a', function: 'starter', roles: 'public' },
    { method: 'GET', path: '/v1/b', function: 'sender', roles: 'public' },
    { method: 'GET', path: '/v1/a2', function: 'starter', roles: 'public' },
  ],
};

describe('flows of the definition', () => {
  it('puts tasks and starters with their state machine, senders and consumers with their queue', () => {
    const views = flowsOf(tiny);
    expect(views.onboarding).toEqual({
      queues: [],
      stateMachines: ['m'],
      functions: ['task', 'starter'],
      functionAlarms: [],
    });
    expect(views.reconciliation).toEqual({
      queues: ['q'],
      stateMachines: [],
      functions: ['sender', 'consumer'],
      functionAlarms: [{ functionId: 'consumer', metric: 'Bad' }],
    });
    // A sweep names its flow; the health check (describes everything) and an unrelated function are in none.
    expect(views.disbursement.functions).toEqual(['sweep']);
  });

  it('groups the routes by capability for the API view', () => {
    expect([...apiViewOf(tiny).byCapability].map(([cap, routes]) => [cap, routes.map((r) => r.path)])).toEqual([
      ['a', ['/v1/a', '/v1/a2']],
      ['b', ['/v1/b']],
    ]);
  });

  it('gives every flow of the platform a state machine or a queue and its functions', () => {
    const views = flowsOf(system);
    for (const flow of FLOWS) {
      const v = views[flow];
      expect({
        flow,
        sources: v.queues.length + v.stateMachines.length > 0,
        functions: v.functions.length > 0,
      }).toEqual({
        flow,
        sources: true,
        functions: true,
      });
    }
    // The close step's alarm is on the disbursement dashboard.
    expect(views.disbursement.functionAlarms).toContainEqual({
      functionId: 'closeCycle',
      metric: 'PaymentsNotFinalAtClose',
    });
  });
});

describe('docs/runbook.md', () => {
  const runbook = readFileSync(new URL('../../../docs/runbook.md', import.meta.url), 'utf8');
  const headings = new Set([...runbook.matchAll(/^## (\S+)$/gm)].map((m) => m[1]));

  it('has a section for every alarm: one per dead-letter queue, one per declared function alarm', () => {
    const alarms = [
      ...Object.keys(system.queues).map((q) => alarmName.deadLetters(system, q)),
      ...Object.entries(system.functions).flatMap(([id, def]) =>
        (def.alarms ?? []).map((a) => alarmName.functionMetric(system, id, a.metric)),
      ),
    ];
    expect(alarms.length).toBeGreaterThan(Object.keys(system.queues).length);
    expect(alarms.filter((a) => !headings.has(a))).toEqual([]);
    // …and none for an alarm that no longer exists.
    expect([...headings].filter((h) => h?.startsWith(`${system.name}-`) && !alarms.includes(h))).toEqual([]);
  });
});
