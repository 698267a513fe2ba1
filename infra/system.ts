/**
 * THE definition of ansinh: every table, queue, bucket, function, trigger, route and state machine.
 * infra/cdk builds AWS resources from it; infra/local runs the same handlers against emulators from it.
 */
import { type SystemDef, validateSystem } from './system-model.js';

export const system: SystemDef = validateSystem({
  name: 'ansinh',
  tables: {
    jobs: {
      description: 'Asynchronous work (identity checks, later list imports): request, status and results',
      partitionKey: { name: 'jobId', type: 'S' },
      indexes: [
        // Sparse: only unfinished jobs carry `openKind`, so the redrive scan reads nothing else.
        { name: 'openJobs', partitionKey: { name: 'openKind', type: 'S' }, sortKey: { name: 'updatedAt', type: 'S' } },
      ],
    },
  },
  queues: {
    identityChecks: {
      description: 'Identity checks accepted by the API, waiting to be started as a state machine run',
      visibilityTimeoutSeconds: 180,
      maxReceiveCount: 3,
      retentionDays: 14,
    },
  },
  buckets: {
    uploads: { description: 'Beneficiary list files uploaded through presigned URLs', expireAfterDays: 30 },
  },
  functions: {
    health: {
      description: 'Reports whether each component answers',
      entry: 'functions/health/handler.ts',
      timeoutSeconds: 10,
      uses: { describeAll: true },
    },
    submitIdentityCheck: {
      description: 'Accepts up to 100 people to check; idempotent by content',
      entry: 'functions/identity-checks/submit-handler.ts',
      uses: { tables: { jobs: 'readWrite' }, queues: { identityChecks: 'send' } },
    },
    getIdentityCheck: {
      description: 'Returns an identity check with its verdicts, within the caller jurisdiction',
      entry: 'functions/identity-checks/get-handler.ts',
      uses: { tables: { jobs: 'read' } },
    },
    identityCheckWorker: {
      description: 'Starts one state machine run per accepted check (run named by check id)',
      entry: 'functions/identity-checks/worker-handler.ts',
      uses: { stateMachines: { identityCheck: 'start' } },
      triggers: [{ kind: 'queue', queue: 'identityChecks', batchSize: 10, maxBatchingWindowSeconds: 1 }],
    },
    checkIdentities: {
      description: 'State machine task: verifies each identity number and records the verdicts',
      entry: 'functions/identity-checks/check-task.ts',
      uses: { tables: { jobs: 'readWrite' } },
    },
    failIdentityCheck: {
      description: 'State machine task: records why a check could not be completed',
      entry: 'functions/identity-checks/fail-task.ts',
      uses: { tables: { jobs: 'readWrite' } },
    },
    redriveJobs: {
      description: 'Finds unfinished jobs whose message was lost or never sent and sends it again',
      entry: 'functions/identity-checks/redrive-handler.ts',
      timeoutSeconds: 60,
      uses: { tables: { jobs: 'readWrite' }, queues: { identityChecks: 'send' } },
      triggers: [{ kind: 'schedule', rate: { minutes: 5 } }],
    },
  },
  routes: [
    { method: 'GET', path: '/v1/health', function: 'health', roles: 'public' },
    { method: 'POST', path: '/v1/identity-checks', function: 'submitIdentityCheck', roles: ['labor_officer'] },
    {
      method: 'GET',
      path: '/v1/identity-checks/{checkId}',
      function: 'getIdentityCheck',
      roles: ['labor_officer', 'auditor'],
    },
  ],
  stateMachines: {
    identityCheck: {
      description: 'Checks the identity numbers of one request, retrying transient faults',
      definitionFile: 'state-machines/identity-check.asl.json',
      functions: { CheckIdentitiesFunctionArn: 'checkIdentities', FailIdentityCheckFunctionArn: 'failIdentityCheck' },
    },
  },
});
