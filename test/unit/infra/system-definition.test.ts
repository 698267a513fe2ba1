/**
 * The one system definition: validateSystem catches every broken cross reference, and the definition in
 * infra/system.ts points at handlers and state machine files that exist and fit together.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { system } from '../../../infra/system.js';
import { envName, routeKey, type SystemDef, type TableDef, validateSystem } from '../../../infra/system-model.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A small definition with one of everything, valid as it stands. */
function base(): SystemDef {
  return {
    name: 'test',
    tables: { jobs: { description: 'jobs', partitionKey: { name: 'jobId', type: 'S' } } },
    queues: { work: { description: 'work', visibilityTimeoutSeconds: 180, maxReceiveCount: 3 } },
    buckets: { uploads: { description: 'uploads' } },
    functions: {
      api: {
        description: 'api',
        entry: 'functions/api.ts',
        uses: {
          tables: { jobs: 'readWrite' },
          queues: { work: 'send' },
          stateMachines: { flow: 'start' },
          buckets: { uploads: { read: ['incoming/'] } },
        },
      },
      consumer: {
        description: 'consumer',
        entry: 'functions/consumer.ts',
        timeoutSeconds: 30,
        triggers: [{ kind: 'queue', queue: 'work', batchSize: 10 }],
      },
      task: { description: 'task', entry: 'functions/task.ts' },
    },
    routes: [
      { method: 'GET', path: '/v1/things/{id}', function: 'api', roles: ['auditor'] },
      { method: 'POST', path: '/v1/things', function: 'api', roles: ['labor_officer'] },
    ],
    stateMachines: { flow: { description: 'flow', definitionFile: 'flow.asl.json', functions: { TaskArn: 'task' } } },
  };
}

/** The problems validateSystem reports for a broken copy of the base definition. */
function problemsOf(breakIt: (sys: SystemDef) => void): string {
  const sys = structuredClone(base());
  breakIt(sys);
  try {
    validateSystem(sys);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('validateSystem accepted a broken definition');
}

const fn = (sys: SystemDef, id: string) => {
  const f = sys.functions[id];
  if (!f) throw new Error(`no function ${id}`);
  return f;
};

describe('validateSystem', () => {
  it('accepts a consistent definition and returns it unchanged', () => {
    const sys = base();
    expect(validateSystem(sys)).toBe(sys);
    expect(sys).toEqual(base());
  });

  it.each<[string, (sys: SystemDef) => void, RegExp]>([
    [
      'two indexes of a table with one name',
      (s) => {
        const ix = { name: 'byX', partitionKey: { name: 'x', type: 'S' as const } };
        (s.tables.jobs as TableDef).indexes = [ix, { ...ix, projection: 'KEYS_ONLY' }];
      },
      /table jobs: an index name is used twice/,
    ],
    [
      'an INCLUDE projection without attributes',
      (s) => {
        (s.tables.jobs as TableDef).indexes = [
          { name: 'byX', partitionKey: { name: 'x', type: 'S' }, projection: { include: [] } },
        ];
      },
      /table jobs: index byX includes 1 to 100 attributes/,
    ],
    [
      'an unknown table in uses',
      (s) => {
        fn(s, 'api').uses = { tables: { jobz: 'read' } };
      },
      /api: unknown table jobz/,
    ],
    [
      'an unknown queue in uses',
      (s) => {
        fn(s, 'api').uses = { queues: { wrok: 'send' } };
      },
      /api: unknown queue wrok/,
    ],
    [
      'an unknown state machine in uses',
      (s) => {
        fn(s, 'api').uses = { stateMachines: { flwo: 'start' } };
      },
      /api: unknown state machine flwo/,
    ],
    [
      'a bucket used without a key prefix, or with a prefix that is not one folder',
      (s) => {
        fn(s, 'api').uses = { buckets: { uploads: {} } };
        fn(s, 'consumer').uses = { buckets: { uploads: { read: ['*'] } } };
      },
      /api: bucket uploads used without a key prefix[\s\S]*consumer: key prefix \* must be one folder ending in \//,
    ],
    [
      'an unknown bucket in uses',
      (s) => {
        fn(s, 'api').uses = { buckets: { upload: { write: ['incoming/'] } } };
      },
      /api: unknown bucket upload/,
    ],
    [
      'a queue trigger on an unknown queue',
      (s) => {
        fn(s, 'consumer').triggers = [{ kind: 'queue', queue: 'missing', batchSize: 1 }];
      },
      /consumer: trigger on unknown queue missing/,
    ],
    [
      'a visibility timeout below 6 × the function timeout',
      (s) => {
        fn(s, 'consumer').timeoutSeconds = 31; // 6 × 31 = 186 > 180
      },
      /consumer: queue work visibility timeout must be ≥ 6 × function timeout/,
    ],
    [
      'a visibility timeout below 6 × the default 30 s timeout',
      (s) => {
        delete fn(s, 'consumer').timeoutSeconds;
        const q = s.queues.work;
        if (q) q.visibilityTimeoutSeconds = 179;
      },
      /consumer: queue work visibility timeout/,
    ],
    [
      'a batch size out of range',
      (s) => {
        fn(s, 'consumer').triggers = [{ kind: 'queue', queue: 'work', batchSize: 0 }];
      },
      /consumer: batch size out of range/,
    ],
    [
      'a maximum concurrency below the event source minimum',
      (s) => {
        fn(s, 'consumer').triggers = [{ kind: 'queue', queue: 'work', batchSize: 1, maxConcurrency: 1 }];
      },
      /consumer: maximum concurrency out of range/,
    ],
    [
      'a route declared twice',
      (s) => {
        s.routes.push({ method: 'GET', path: '/v1/things/{id}', function: 'task', roles: 'public' });
      },
      /route GET \/v1\/things\/\{id\} declared twice/,
    ],
    [
      'a route to an unknown function',
      (s) => {
        s.routes.push({ method: 'DELETE', path: '/v1/things/{id}', function: 'remover', roles: ['auditor'] });
      },
      /route DELETE \/v1\/things\/\{id\}: unknown function remover/,
    ],
    [
      'a state machine referencing an unknown function',
      (s) => {
        const sm = s.stateMachines.flow;
        if (sm) sm.functions.OtherArn = 'ghost';
      },
      /state machine flow: unknown function ghost/,
    ],
  ])('rejects %s, naming it', (_, breakIt, expected) => {
    const message = problemsOf(breakIt);
    expect(message).toMatch(/^Invalid system definition:/);
    expect(message).toMatch(expected);
  });

  it('accepts a visibility timeout of exactly 6 × the function timeout', () => {
    const sys = structuredClone(base());
    fn(sys, 'consumer').timeoutSeconds = 30;
    expect(() => validateSystem(sys)).not.toThrow();
  });

  it('accepts the same path under two methods', () => {
    const sys = structuredClone(base());
    sys.routes.push({ method: 'DELETE', path: '/v1/things/{id}', function: 'api', roles: ['auditor'] });
    expect(() => validateSystem(sys)).not.toThrow();
  });

  it('reports every problem at once, one per line', () => {
    const message = problemsOf((s) => {
      fn(s, 'api').uses = { tables: { a: 'read' }, buckets: { b: { read: ['x/'] } } };
      s.routes.push({ method: 'PUT', path: '/x', function: 'nobody', roles: 'public' });
    });
    expect(message.split('\n- ')).toEqual([
      'Invalid system definition:',
      'api: unknown table a',
      'api: unknown bucket b',
      'route PUT /x: unknown function nobody',
    ]);
  });
});

describe('the system definition (infra/system.ts)', () => {
  const functions = Object.entries(system.functions);

  it('is valid', () => {
    expect(() => validateSystem(structuredClone(system))).not.toThrow();
    expect(functions.length).toBeGreaterThan(0);
  });

  it.each(functions)('%s: its entry file exists and exports a handler function', async (_, def) => {
    const file = resolve(REPO_ROOT, def.entry);
    expect(existsSync(file) ? def.entry : `${def.entry} (missing)`).toBe(def.entry);
    const mod = (await import(pathToFileURL(file).href)) as { handler?: unknown };
    expect(typeof mod.handler).toBe('function');
  });

  it('routes every HTTP route to a handler that is not also a state machine task or a queue consumer', () => {
    const taskFunctions = new Set(Object.values(system.stateMachines).flatMap((sm) => Object.values(sm.functions)));
    for (const route of system.routes) {
      expect(taskFunctions.has(route.function)).toBe(false);
      expect(system.functions[route.function]?.triggers ?? []).toEqual([]);
    }
  });

  describe.each(Object.entries(system.stateMachines))('state machine %s', (_, sm) => {
    const text = readFileSync(resolve(REPO_ROOT, sm.definitionFile), 'utf8');
    const placeholders = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));

    it('has a substitution for every placeholder of its ASL file', () => {
      expect(placeholders.size).toBeGreaterThan(0);
      for (const p of placeholders) expect(Object.keys(sm.functions)).toContain(p);
    });

    it('uses every substitution it declares', () => {
      for (const name of Object.keys(sm.functions)) expect([...placeholders]).toContain(name);
    });

    it('has no `${` left once substituted, and stays JSON', () => {
      const substituted = text.replace(
        /\$\{(\w+)\}/g,
        (_m, key: string) => `arn:aws:lambda:::function:${sm.functions[key]}`,
      );
      expect(substituted).not.toContain('${');
      expect(() => JSON.parse(substituted)).not.toThrow();
    });
  });

  it('has a state machine definition for every ASL file in state-machines/', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(resolve(REPO_ROOT, 'state-machines')).filter((f) => f.endsWith('.asl.json'));
    const referenced = Object.values(system.stateMachines).map((sm) => sm.definitionFile);
    expect(files.map((f) => `state-machines/${f}`).sort()).toEqual([...referenced].sort());
  });
});

describe('envName', () => {
  it('turns camelCase ids into the environment variable names handlers read', () => {
    expect(envName.table('jobs')).toBe('TABLE_JOBS');
    expect(envName.queueUrl('identityChecks')).toBe('QUEUE_IDENTITY_CHECKS_URL');
    expect(envName.deadLetterQueueUrl('identityChecks')).toBe('QUEUE_IDENTITY_CHECKS_DLQ_URL');
    expect(envName.stateMachineArn('identityCheck')).toBe('STATE_MACHINE_IDENTITY_CHECK_ARN');
    expect(envName.bucket('uploads')).toBe('BUCKET_UPLOADS');
    expect(envName.table('beneficiaryListRows')).toBe('TABLE_BENEFICIARY_LIST_ROWS');
    expect(envName.queueUrl('step2Results')).toBe('QUEUE_STEP2_RESULTS_URL');
  });

  it('gives every resource of the system a distinct name', () => {
    const names = [
      ...Object.keys(system.tables).map(envName.table),
      ...Object.keys(system.queues).flatMap((q) => [envName.queueUrl(q), envName.deadLetterQueueUrl(q)]),
      ...Object.keys(system.stateMachines).map(envName.stateMachineArn),
      ...Object.keys(system.buckets).map(envName.bucket),
    ];
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });
});

describe('routeKey', () => {
  it('is the API Gateway route key', () => {
    expect(routeKey({ method: 'GET', path: '/v1/identity-checks/{checkId}' })).toBe(
      'GET /v1/identity-checks/{checkId}',
    );
  });
});
