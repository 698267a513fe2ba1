/**
 * THE definition of ansinh: every table, queue, bucket, function, trigger, route and state machine.
 * infra/cdk builds AWS resources from it; infra/local runs the same handlers against emulators from it.
 */
import { type SystemDef, validateSystem } from './system-model.js';

export const system: SystemDef = validateSystem({
  name: 'ansinh',
  tables: {
    jobs: {
      description: 'Asynchronous work (identity checks, beneficiary lists): request, status and results',
      partitionKey: { name: 'jobId', type: 'S' },
      indexes: [
        // Sparse: only unfinished jobs carry `openKind`, so the redrive scan reads nothing else.
        { name: 'openJobs', partitionKey: { name: 'openKind', type: 'S' }, sortKey: { name: 'updatedAt', type: 'S' } },
      ],
    },
    listRows: {
      description: 'One verdict per row of each beneficiary list, with its reasons',
      partitionKey: { name: 'listId', type: 'S' },
      sortKey: { name: 'line', type: 'N' },
      indexes: [
        { name: 'byOutcome', partitionKey: { name: 'listOutcome', type: 'S' }, sortKey: { name: 'line', type: 'N' } },
      ],
    },
    accounts: {
      description:
        'Social security accounts: person, account, enrolments, audit trail (one item collection per person)',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      indexes: [
        {
          name: 'byJurisdiction',
          partitionKey: { name: 'jurisdictionKey', type: 'S' },
          sortKey: { name: 'accountNumber', type: 'S' },
        },
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
      description: 'Finds unfinished jobs whose message or run was lost or never sent and dispatches it again',
      entry: 'functions/jobs/redrive-handler.ts',
      timeoutSeconds: 60,
      uses: {
        tables: { jobs: 'readWrite' },
        queues: { identityChecks: 'send' },
        stateMachines: { onboarding: 'start' },
      },
      triggers: [{ kind: 'schedule', rate: { minutes: 5 } }],
    },
    createListUpload: {
      description: 'Gives a presigned URL to upload a large beneficiary list',
      entry: 'functions/beneficiary-lists/upload-url-handler.ts',
      uses: { buckets: { uploads: 'readWrite' } },
    },
    submitList: {
      description: 'Registers an uploaded list (idempotent by file content) and starts its onboarding',
      entry: 'functions/beneficiary-lists/submit-handler.ts',
      timeoutSeconds: 60,
      memoryMb: 1024,
      uses: {
        tables: { jobs: 'readWrite' },
        buckets: { uploads: 'readWrite' },
        stateMachines: { onboarding: 'start' },
      },
    },
    getList: {
      description: 'A list with its status and counts per outcome',
      entry: 'functions/beneficiary-lists/get-handler.ts',
      uses: { tables: { jobs: 'read' } },
    },
    getListRows: {
      description: 'A page of a list rows, optionally of one outcome',
      entry: 'functions/beneficiary-lists/rows-handler.ts',
      uses: { tables: { jobs: 'read', listRows: 'read' } },
    },
    getListResult: {
      description: 'Builds the result file (CSV or XLSX) and returns a download link',
      entry: 'functions/beneficiary-lists/result-handler.ts',
      timeoutSeconds: 300,
      memoryMb: 1024,
      uses: { tables: { jobs: 'read', listRows: 'read' }, buckets: { uploads: 'readWrite' } },
    },
    getListTemplate: {
      description: 'The beneficiary list template (XLSX or CSV)',
      entry: 'functions/beneficiary-lists/template-handler.ts',
    },
    parseList: {
      description: 'Onboarding: streams the file, checks rows, cuts the list into chunks',
      entry: 'functions/beneficiary-lists/parse-task.ts',
      timeoutSeconds: 900,
      memoryMb: 1769,
      uses: { tables: { jobs: 'readWrite' }, buckets: { uploads: 'readWrite' } },
    },
    verifyListChunk: {
      description: 'Onboarding: one chunk against enrolments and the population registry',
      entry: 'functions/beneficiary-lists/verify-chunk-task.ts',
      timeoutSeconds: 900,
      memoryMb: 1024,
      uses: { tables: { listRows: 'readWrite', accounts: 'read' }, buckets: { uploads: 'read' } },
      settings: ['populationRegistryUrl'],
    },
    openListAccounts: {
      description: 'Onboarding: opens accounts for the accepted rows of one chunk',
      entry: 'functions/beneficiary-lists/open-accounts-task.ts',
      timeoutSeconds: 900,
      memoryMb: 1024,
      uses: { tables: { listRows: 'readWrite', accounts: 'readWrite' } },
    },
    summariseList: {
      description: 'Onboarding: totals per outcome, list completed',
      entry: 'functions/beneficiary-lists/summarise-task.ts',
      uses: { tables: { jobs: 'readWrite' } },
    },
    failList: {
      description: 'Onboarding Catch path: records why a list could not be processed',
      entry: 'functions/beneficiary-lists/fail-task.ts',
      uses: { tables: { jobs: 'readWrite' } },
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
    {
      method: 'POST',
      path: '/v1/beneficiary-lists/uploads',
      function: 'createListUpload',
      roles: ['labor_officer'],
    },
    { method: 'POST', path: '/v1/beneficiary-lists', function: 'submitList', roles: ['labor_officer'] },
    {
      method: 'GET',
      path: '/v1/beneficiary-lists/template',
      function: 'getListTemplate',
      roles: ['labor_officer', 'auditor'],
    },
    { method: 'GET', path: '/v1/beneficiary-lists/{listId}', function: 'getList', roles: ['labor_officer', 'auditor'] },
    {
      method: 'GET',
      path: '/v1/beneficiary-lists/{listId}/rows',
      function: 'getListRows',
      roles: ['labor_officer', 'auditor'],
    },
    {
      method: 'GET',
      path: '/v1/beneficiary-lists/{listId}/result',
      function: 'getListResult',
      roles: ['labor_officer', 'auditor'],
    },
  ],
  stateMachines: {
    identityCheck: {
      description: 'Checks the identity numbers of one request, retrying transient faults',
      definitionFile: 'state-machines/identity-check.asl.json',
      functions: { CheckIdentitiesFunctionArn: 'checkIdentities', FailIdentityCheckFunctionArn: 'failIdentityCheck' },
    },
    onboarding: {
      description: 'Beneficiary list: parse → verify in chunks (Map) → open accounts (Map) → summarise',
      definitionFile: 'state-machines/onboarding.asl.json',
      functions: {
        ParseListFunctionArn: 'parseList',
        VerifyListChunkFunctionArn: 'verifyListChunk',
        OpenListAccountsFunctionArn: 'openListAccounts',
        SummariseListFunctionArn: 'summariseList',
        FailListFunctionArn: 'failList',
      },
    },
  },
});
