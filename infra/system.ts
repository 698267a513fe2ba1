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
        // Sparse: beneficiary lists and statement imports of one jurisdiction, newest first (the list routes).
        // `listScope` = `<kind>#<jurisdiction>` is written on create; records created before it was
        // introduced lack it and need a one-off backfill on AWS (functions/jobs/job-store.ts, listScopeOf).
        // Only the summary attributes are copied, so a list's findings or a statement's details never are.
        {
          name: 'byScope',
          partitionKey: { name: 'listScope', type: 'S' },
          sortKey: { name: 'createdAt', type: 'S' },
          projection: {
            include: [
              'kind',
              'status',
              'jurisdiction',
              'programme',
              'uploadedBy',
              'fileName',
              'totals',
              'lines',
              'format',
              'finishedAt',
            ],
          },
        },
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
    cycles: {
      description: 'Disbursement cycles (draft totals, maker-checker, audit trail) and budget ceilings',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      indexes: [
        // The cycles of one jurisdiction, newest first. Only cycle records carry both `jurisdiction` and
        // `createdAt` (audit entries and budgets do not), so the index is sparse and every cycle ever
        // created is in it, old ones included. Summary attributes only: never the draft's chunks.
        {
          name: 'byJurisdiction',
          partitionKey: { name: 'jurisdiction', type: 'S' },
          sortKey: { name: 'createdAt', type: 'S' },
          projection: {
            include: ['cycleId', 'programme', 'period', 'status', 'createdBy', 'updatedAt', 'payees', 'amount'],
          },
        },
      ],
    },
    payments: {
      description: 'The payment ledger: one payment per programme, period and person; append-only entries',
      partitionKey: { name: 'paymentId', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      indexes: [
        {
          name: 'byCycleState',
          partitionKey: { name: 'cycleState', type: 'S' },
          sortKey: { name: 'paymentId', type: 'S' },
        },
        { name: 'byPerson', partitionKey: { name: 'personId', type: 'S' }, sortKey: { name: 'period', type: 'S' } },
        // Reconciliation's fallback (a bank line without a usable reference): keys only, so no payment update
        // ever writes to it.
        {
          name: 'byCreditor',
          partitionKey: { name: 'creditorAccount', type: 'S' },
          sortKey: { name: 'period', type: 'S' },
          projection: 'KEYS_ONLY',
        },
        // A commune's cash payments of a cycle (the post office's cash list), O(that commune), not O(the cycle).
        // Sparse: only post-office HEADs carry `cashCommune`, set once when recorded and never changed, so a bank
        // payment or a totals item never writes to it and a cash payment writes to it once.
        {
          name: 'byCommune',
          partitionKey: { name: 'cashCommune', type: 'S' },
          sortKey: { name: 'paymentId', type: 'S' },
          projection: 'KEYS_ONLY',
        },
      ],
    },
    reconciliation: {
      description:
        'Bank statement reconciliation: one finding per statement line, bookings per payment, statements loaded',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      indexes: [
        { name: 'byOutcome', partitionKey: { name: 'importOutcome', type: 'S' }, sortKey: { name: 'sk', type: 'S' } },
      ],
    },
    cases: {
      description: 'Cases of payments that did not reach their person: reason, actions, state, audit trail',
      partitionKey: { name: 'caseId', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      indexes: [
        // Only case items carry `caseScope` (the payee's province): the labour officers' inbox, by opening time.
        {
          name: 'byJurisdiction',
          partitionKey: { name: 'caseScope', type: 'S' },
          sortKey: { name: 'openedAt', type: 'S' },
        },
      ],
    },
    notifications: {
      description: 'What each beneficiary was told (or not, and why): one message per person and event',
      partitionKey: { name: 'personId', type: 'S' },
      sortKey: { name: 'key', type: 'S' },
      indexes: [
        // Sparse: only messages still to send (held by the quiet hours, or a crash) carry `outbox`.
        { name: 'dueMessages', partitionKey: { name: 'outbox', type: 'S' }, sortKey: { name: 'notBefore', type: 'S' } },
      ],
    },
    rateLimits: {
      description: 'Fixed-window request counters per person and per client (hashed keys), expired by TTL',
      partitionKey: { name: 'limitKey', type: 'S' },
      timeToLiveAttribute: 'expiresAt',
    },
    callbackReceipts: {
      description: "The bank callbacks' MsgIds already received (a replay is refused), expired by TTL after 30 days",
      partitionKey: { name: 'msgId', type: 'S' },
      timeToLiveAttribute: 'expiresAt',
    },
  },
  queues: {
    identityChecks: {
      flow: 'onboarding',
      description: 'Identity checks accepted by the API, waiting to be started as a state machine run',
      visibilityTimeoutSeconds: 180,
      maxReceiveCount: 3,
      retentionDays: 14,
    },
    paymentDispatch: {
      flow: 'disbursement',
      description: 'Chunks of an approved cycle, each sent to the bank as one pain.001',
      visibilityTimeoutSeconds: 1800,
      maxReceiveCount: 5,
      retentionDays: 14,
    },
    statementImports: {
      flow: 'reconciliation',
      description: 'Bank statements and status reports loaded by finance officers, waiting to be reconciled',
      visibilityTimeoutSeconds: 5400,
      maxReceiveCount: 5,
      retentionDays: 14,
    },
    paymentStatuses: {
      flow: 'disbursement',
      description: 'Bank status reports (pain.002) received by callback, waiting to be applied to the ledger',
      visibilityTimeoutSeconds: 1800,
      maxReceiveCount: 5,
      retentionDays: 14,
    },
    cutoffQueries: {
      flow: 'disbursement',
      description: 'At the settlement cut-off: one chunk each, whose message the bank is asked about (pain.002)',
      visibilityTimeoutSeconds: 1800,
      // More than the worker's CUTOFF_QUERY_ATTEMPTS: the last attempts settle on "no answer" (UNKNOWN).
      maxReceiveCount: 5,
      retentionDays: 14,
    },
  },
  buckets: {
    uploads: {
      description: 'Beneficiary lists and bank statements uploaded through presigned URLs',
      expireAfterDays: 30,
      browserUploads: {
        methods: ['PUT'],
        allowedHeaders: ['Content-Type', 'Content-MD5', 'x-amz-*'],
        exposedHeaders: ['ETag'],
        maxAgeSeconds: 3000,
      },
    },
  },
  functions: {
    health: {
      description: 'Reports whether each component answers',
      entry: 'functions/health/handler.ts',
      timeoutSeconds: 10,
      uses: { describeAll: true },
    },
    apiDocument: {
      description: 'Serves the OpenAPI 3.1 document of this API',
      entry: 'functions/api-docs/document-handler.ts',
      timeoutSeconds: 5,
    },
    apiPage: {
      description: 'Serves the OpenAPI document as a page to read (Vietnamese first)',
      entry: 'functions/api-docs/page-handler.ts',
      timeoutSeconds: 5,
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
      entry: 'functions/redrive/redrive-handler.ts',
      timeoutSeconds: 60,
      uses: {
        tables: { jobs: 'readWrite' },
        queues: { identityChecks: 'send', statementImports: 'send' },
        stateMachines: { onboarding: 'start' },
      },
      triggers: [{ kind: 'schedule', rate: { minutes: 5 } }],
    },
    listLists: {
      description: 'The beneficiary lists of a jurisdiction, newest first, paged',
      entry: 'functions/beneficiary-lists/list-handler.ts',
      uses: { tables: { jobs: 'read' } },
    },
    createListUpload: {
      description: 'Gives a presigned URL to upload a large beneficiary list',
      entry: 'functions/beneficiary-lists/upload-url-handler.ts',
      uses: { buckets: { uploads: { write: ['incoming/'] } } },
    },
    submitList: {
      description: 'Registers an uploaded list (idempotent by file content) and starts its onboarding',
      entry: 'functions/beneficiary-lists/submit-handler.ts',
      timeoutSeconds: 60,
      memoryMb: 1024,
      uses: {
        tables: { jobs: 'readWrite' },
        buckets: { uploads: { read: ['incoming/'], write: ['incoming/'] } },
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
      uses: {
        tables: { jobs: 'read', listRows: 'read' },
        buckets: { uploads: { read: ['lists/'], write: ['lists/'] } },
      },
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
      uses: { tables: { jobs: 'readWrite' }, buckets: { uploads: { read: ['incoming/'], write: ['lists/'] } } },
    },
    verifyListChunk: {
      description: 'Onboarding: one chunk against enrolments and the population registry',
      entry: 'functions/beneficiary-lists/verify-chunk-task.ts',
      timeoutSeconds: 900,
      memoryMb: 1024,
      uses: { tables: { listRows: 'readWrite', accounts: 'read' }, buckets: { uploads: { read: ['lists/'] } } },
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
    createCycle: {
      description: 'Creates the cycle of a programme, period and jurisdiction (idempotent) and starts its run',
      entry: 'functions/disbursement-cycles/create-handler.ts',
      // jobs: the cycle's open record, written in the cycle's own transaction (recoverCycles reads it).
      uses: { tables: { cycles: 'readWrite', jobs: 'readWrite' }, stateMachines: { disbursement: 'start' } },
    },
    recoverCycles: {
      description: 'Starts again the run of an open cycle whose run was never started or ended early',
      entry: 'functions/disbursement-cycles/recover-handler.ts',
      timeoutSeconds: 60,
      // start: StartExecution on the disbursement machine and DescribeExecution on its runs, nothing else.
      uses: { tables: { jobs: 'readWrite', cycles: 'readWrite' }, stateMachines: { disbursement: 'start' } },
      triggers: [{ kind: 'schedule', rate: { minutes: 5 } }],
    },
    listCycles: {
      description: 'The disbursement cycles of a jurisdiction, newest first, paged',
      entry: 'functions/disbursement-cycles/list-handler.ts',
      uses: { tables: { cycles: 'read' } },
    },
    getCycle: {
      description: 'A cycle with its draft totals and audit trail',
      entry: 'functions/disbursement-cycles/get-handler.ts',
      uses: { tables: { cycles: 'read' } },
    },
    submitCycle: {
      description: 'The preparer submits the exact draft content',
      entry: 'functions/disbursement-cycles/submit-handler.ts',
      uses: { tables: { cycles: 'readWrite' } },
    },
    approveCycle: {
      description: 'Another officer approves the exact submitted content within the budget',
      entry: 'functions/disbursement-cycles/approve-handler.ts',
      uses: { tables: { cycles: 'readWrite' } },
    },
    retryCycle: {
      description: 'Computes again a cycle that failed before approval, under a new run',
      entry: 'functions/disbursement-cycles/retry-handler.ts',
      // jobs: reopens the cycle's open record in the cycle's own transaction (recoverCycles reads it).
      uses: { tables: { cycles: 'readWrite', jobs: 'readWrite' }, stateMachines: { disbursement: 'start' } },
    },
    recomputeCycle: {
      description: 'Recomputes the draft, voiding any approval',
      entry: 'functions/disbursement-cycles/recompute-handler.ts',
      uses: { tables: { cycles: 'readWrite' } },
    },
    computeCycle: {
      description: 'Disbursement: plans the compute (account-number ranges); computes a supplementary cycle',
      entry: 'functions/disbursement-cycles/compute-task.ts',
      timeoutSeconds: 900,
      memoryMb: 1769,
      // The plan reads account numbers; a supplementary cycle, computed here whole, reads the accounts and the
      // ledger, takes the cases it re-issues (cases readWrite) and writes its draft's chunk files.
      uses: {
        tables: { cycles: 'readWrite', accounts: 'read', payments: 'read', cases: 'readWrite' },
        buckets: { uploads: { write: ['cycles/'] } },
      },
      settings: ['populationRegistryUrl'],
    },
    computeShard: {
      description: 'Disbursement: entitlements of one range of accounts into chunk files and partial totals',
      entry: 'functions/disbursement-cycles/compute-shard-task.ts',
      timeoutSeconds: 900,
      memoryMb: 1769,
      // accounts readWrite: a death the population registry reports is recorded on the account (audited).
      // cases read: a monthly cycle reads the re-issue claims of unpaid months (paid-months.ts).
      uses: {
        tables: { cycles: 'read', accounts: 'readWrite', payments: 'read', cases: 'read' },
        buckets: { uploads: { write: ['cycles/'] } },
      },
      settings: ['populationRegistryUrl'],
    },
    finishCompute: {
      description: 'Disbursement: the shards of a compute combined into the draft (totals, hash, chunks)',
      entry: 'functions/disbursement-cycles/compute-finish-task.ts',
      timeoutSeconds: 300,
      uses: { tables: { cycles: 'readWrite' }, buckets: { uploads: { read: ['cycles/'] } } },
    },
    checkApproval: {
      description: 'Disbursement: what the run does next, from the cycle status',
      entry: 'functions/disbursement-cycles/check-approval-task.ts',
      uses: { tables: { cycles: 'read' } },
    },
    dispatchCycle: {
      description: 'Disbursement: enqueues the approved chunks',
      entry: 'functions/disbursement-cycles/dispatch-task.ts',
      uses: { tables: { cycles: 'readWrite' }, queues: { paymentDispatch: 'send' } },
    },
    paymentDispatchWorker: {
      description: 'Records a chunk in the ledger and sends its pain.001 to the bank, exactly once',
      entry: 'functions/payments/dispatch-worker.ts',
      timeoutSeconds: 300,
      memoryMb: 1024,
      uses: {
        tables: { cycles: 'read', payments: 'readWrite' },
        buckets: { uploads: { read: ['cycles/'], write: ['cycles/'] } },
      },
      // 150 at once: every chunk's transactions also write the cycle's 32 totals keys (scale-model.md).
      triggers: [{ kind: 'queue', queue: 'paymentDispatch', batchSize: 1, maxConcurrency: 150 }],
      settings: ['bankUrl'],
    },
    bankCallback: {
      description: 'Receives the bank status reports (signed), stores and queues them',
      entry: 'functions/payments/callback-handler.ts',
      // callbackReceipts: the message ids already received (a replayed callback is refused).
      uses: {
        tables: { callbackReceipts: 'readWrite' },
        buckets: { uploads: { write: ['callbacks/'] } },
        queues: { paymentStatuses: 'send' },
      },
      settings: ['bankCallbackSecretId'],
    },
    paymentStatusWorker: {
      description: 'Applies bank status reports to the ledger, forward only; a failed payment opens its case',
      entry: 'functions/payments/status-worker.ts',
      timeoutSeconds: 300,
      uses: {
        tables: { payments: 'readWrite', accounts: 'read', cases: 'readWrite', notifications: 'readWrite' },
        buckets: { uploads: { read: ['callbacks/'] } },
      },
      triggers: [{ kind: 'queue', queue: 'paymentStatuses', batchSize: 5 }],
      settings: ['notificationsUrl'],
    },
    collectStatuses: {
      description: 'Disbursement: open payments; at the settlement cut-off, one bank status query per chunk queued',
      entry: 'functions/disbursement-cycles/collect-task.ts',
      timeoutSeconds: 900,
      // payments: the counts per state, and the cut-off's markers (queued once, chunks done).
      uses: { tables: { cycles: 'read', payments: 'readWrite' }, queues: { cutoffQueries: 'send' } },
    },
    cutoffQueryWorker: {
      description:
        'Settlement cut-off, one chunk: asks the bank for its message status (pain.002), resolves the open payments',
      entry: 'functions/disbursement-cycles/cutoff-worker.ts',
      timeoutSeconds: 300,
      // A re-issue settled by the cut-off query closes its case; a payment it ends unpaid opens one (and tells).
      uses: {
        tables: { payments: 'readWrite', accounts: 'read', cases: 'readWrite', notifications: 'readWrite' },
        buckets: { uploads: { read: ['cycles/'] } },
      },
      // As dispatch: its chunks' transitions share the cycle's totals keys.
      triggers: [{ kind: 'queue', queue: 'cutoffQueries', batchSize: 1, maxConcurrency: 150 }],
      settings: ['bankUrl', 'notificationsUrl'],
    },
    closeCycle: {
      description: 'Disbursement: closing totals per state, balanced against the approved amount',
      entry: 'functions/disbursement-cycles/close-task.ts',
      timeoutSeconds: 300,
      uses: { tables: { cycles: 'readWrite', payments: 'read' }, buckets: { uploads: { read: ['cycles/'] } } },
      alarms: [
        {
          metric: 'PaymentsNotFinalAtClose',
          description: 'A cycle closed with payments without a final answer (UNKNOWN, NOT_SENT or never dispatched)',
          threshold: 0,
        },
      ],
    },
    failCycle: {
      description: 'Disbursement Catch path: the cycle fails with its reason (ledger untouched)',
      entry: 'functions/disbursement-cycles/fail-task.ts',
      // A failed supplementary cycle releases the cases it took (payments read: which re-issues were recorded).
      uses: { tables: { cycles: 'readWrite', cases: 'readWrite', payments: 'read' } },
    },
    pollBankReturns: {
      // Scheduled, reached by no queue or state machine: its dashboard is named here.
      flow: 'disbursement',
      description: 'Reads the bank camt.054 notifications and records returns as new ledger entries',
      entry: 'functions/payments/returns-poller.ts',
      timeoutSeconds: 300,
      uses: { tables: { payments: 'readWrite', accounts: 'read', cases: 'readWrite', notifications: 'readWrite' } },
      triggers: [{ kind: 'schedule', rate: { minutes: 15 } }],
      settings: ['bankUrl', 'notificationsUrl'],
    },
    getCashList: {
      description: 'A commune cash payment list (post office) as a download link',
      entry: 'functions/post-office/cash-list-handler.ts',
      timeoutSeconds: 120,
      uses: {
        tables: { cycles: 'read', payments: 'read' },
        buckets: { uploads: { read: ['cycles/'], write: ['cycles/'] } },
      },
    },
    importCashConfirmations: {
      description: 'Imports the paid / unpaid confirmations of a cash list',
      entry: 'functions/post-office/confirmations-handler.ts',
      timeoutSeconds: 120,
      uses: { tables: { cycles: 'read', payments: 'readWrite' } },
    },
    changePaymentMethod: {
      description: 'Proposes another payment method for an account (a second officer confirms; audited)',
      entry: 'functions/accounts/payment-method-handler.ts',
      uses: { tables: { accounts: 'readWrite' } },
    },
    listPaymentMethodChanges: {
      description: "The proposals to change an account's payment method (the second officer finds the one to confirm)",
      entry: 'functions/accounts/payment-method-list-handler.ts',
      uses: { tables: { accounts: 'read' } },
    },
    confirmPaymentMethodChange: {
      description: 'A second officer confirms a payment-method change; a bank account is verified with the bank first',
      entry: 'functions/accounts/payment-method-confirm-handler.ts',
      uses: { tables: { accounts: 'readWrite' } },
      settings: ['bankUrl'],
    },
    createStatementUpload: {
      description: 'Gives a presigned URL to upload a large bank statement',
      entry: 'functions/reconciliation/upload-url-handler.ts',
      uses: { buckets: { uploads: { write: ['incoming-statements/'] } } },
    },
    submitStatement: {
      description: 'Registers a bank statement or status report (idempotent by file content) for reconciliation',
      entry: 'functions/reconciliation/submit-handler.ts',
      timeoutSeconds: 60,
      memoryMb: 1024,
      uses: {
        tables: { jobs: 'readWrite' },
        queues: { statementImports: 'send' },
        buckets: { uploads: { read: ['incoming-statements/'], write: ['incoming-statements/'] } },
      },
    },
    reconcileStatement: {
      description: 'Reconciles one statement against the payment ledger, streamed, resumable, idempotent',
      entry: 'functions/reconciliation/reconcile-worker.ts',
      timeoutSeconds: 900,
      memoryMb: 1024,
      // A return or a rejection it finds opens the person's case (and tells them), as the bank's callback does.
      uses: {
        tables: { jobs: 'readWrite', reconciliation: 'readWrite', payments: 'readWrite', cycles: 'read' },
        queues: { statementImports: 'send' },
        buckets: { uploads: { read: ['incoming-statements/'] } },
      },
      triggers: [{ kind: 'queue', queue: 'statementImports', batchSize: 1 }],
      settings: ['notificationsUrl'],
    },
    listStatements: {
      description: 'The statement imports of a jurisdiction, newest first, paged',
      entry: 'functions/reconciliation/list-handler.ts',
      uses: { tables: { jobs: 'read' } },
    },
    getStatementImport: {
      description: 'A statement import: status, continuity, counts and VND per outcome',
      entry: 'functions/reconciliation/get-import-handler.ts',
      uses: { tables: { jobs: 'read' } },
    },
    confirmStatementImport: {
      description: 'A second finance officer confirms the ledger changes an uploaded file proposes; they apply then',
      entry: 'functions/reconciliation/confirm-handler.ts',
      // cases, notifications, accounts: a confirmed return or rejection opens the person's case and tells them.
      uses: {
        tables: {
          jobs: 'readWrite',
          reconciliation: 'readWrite',
          payments: 'readWrite',
          accounts: 'read',
          cases: 'readWrite',
          notifications: 'readWrite',
        },
      },
    },
    getStatementLines: {
      description: 'The statement lines behind each reconciliation outcome, paged',
      entry: 'functions/reconciliation/lines-handler.ts',
      uses: { tables: { jobs: 'read', reconciliation: 'read' } },
    },
    exportReconciliation: {
      description: 'The reconciliation report of an import as CSV or XLSX (download link)',
      entry: 'functions/reconciliation/report-handler.ts',
      timeoutSeconds: 300,
      memoryMb: 1024,
      uses: {
        tables: { jobs: 'read', reconciliation: 'read' },
        buckets: { uploads: { read: ['statements/'], write: ['statements/'] } },
      },
    },
    getCycleReconciliation: {
      description: 'Every approved payment of a cycle against the bank bookings, with totals that balance',
      entry: 'functions/reconciliation/cycle-report-handler.ts',
      timeoutSeconds: 120,
      uses: { tables: { cycles: 'read', payments: 'read', reconciliation: 'read' } },
    },
    getPeriodReconciliation: {
      description: "One period's cycles across the caller's provinces, reconciled and summed by province and category",
      entry: 'functions/reconciliation/period-report-handler.ts',
      timeoutSeconds: 300,
      memoryMb: 1024,
      uses: { tables: { cycles: 'read', payments: 'read', reconciliation: 'read' } },
    },
    getMyPayments: {
      description: "A beneficiary's own payments and account status (identity number from the token only)",
      entry: 'functions/payment-lookups/me-handler.ts',
      uses: { tables: { accounts: 'read', payments: 'read', rateLimits: 'readWrite' } },
    },
    getPersonPayments: {
      description: "An officer looks up a person's payments within their jurisdiction (every look-up audited)",
      entry: 'functions/payment-lookups/person-handler.ts',
      uses: { tables: { accounts: 'readWrite', payments: 'read', rateLimits: 'readWrite' } },
    },
    listCases: {
      description: 'The cases of a province, newest or oldest first, with their age against the service level',
      entry: 'functions/cases/list-handler.ts',
      uses: { tables: { cases: 'read' } },
    },
    getCase: {
      description: 'One case with its actions and audit trail',
      entry: 'functions/cases/get-handler.ts',
      uses: { tables: { cases: 'read' } },
    },
    actOnCase: {
      description: 'A labour officer records an action on a case, or proposes / confirms its write-off',
      entry: 'functions/cases/act-handler.ts',
      // A case the person reported: they are told when an officer acts on it.
      uses: { tables: { cases: 'readWrite', accounts: 'read', notifications: 'readWrite' } },
      settings: ['notificationsUrl'],
    },
    getPaymentTrace: {
      description: 'One payment from its enrolling list row to the bank line that booked it, in order',
      entry: 'functions/payment-trace/trace-handler.ts',
      uses: {
        tables: {
          payments: 'read',
          accounts: 'read',
          jobs: 'read',
          listRows: 'read',
          cycles: 'read',
          reconciliation: 'read',
          cases: 'read',
          notifications: 'read',
        },
        buckets: { uploads: { read: ['cycles/'] } }, // the pain.001 a payment left in
      },
    },
    reportNotReceived: {
      description: "A beneficiary reports a payment not received: it joins (or opens) the payment's case",
      entry: 'functions/cases/grievance-handler.ts',
      uses: {
        tables: {
          accounts: 'read',
          payments: 'read',
          cases: 'readWrite',
          notifications: 'readWrite',
          rateLimits: 'readWrite',
        },
      },
      settings: ['notificationsUrl'],
    },
    getMyCases: {
      description: "A beneficiary's own cases, their progress, and what they were told",
      entry: 'functions/cases/my-cases-handler.ts',
      uses: {
        tables: { accounts: 'read', payments: 'read', cases: 'read', notifications: 'read', rateLimits: 'readWrite' },
      },
    },
    setNotificationPreferences: {
      description: 'A beneficiary opts out of messages, or into a message when a payment arrives (on the account)',
      entry: 'functions/notifications/preferences-handler.ts',
      uses: { tables: { accounts: 'readWrite', rateLimits: 'readWrite' } },
    },
    openOverdueCases: {
      // Scheduled, reached by no queue or state machine: its dashboard is named here.
      flow: 'disbursement',
      description: 'Opens the case of each payment left UNKNOWN longer than the banking days allowed',
      entry: 'functions/cases/overdue-sweep.ts',
      timeoutSeconds: 300,
      uses: {
        tables: {
          cycles: 'read',
          payments: 'read',
          accounts: 'read',
          cases: 'readWrite',
          notifications: 'readWrite',
        },
      },
      triggers: [{ kind: 'schedule', rate: { minutes: 30 } }],
      settings: ['notificationsUrl'],
    },
    sendDueNotifications: {
      // Scheduled, reached by no queue or state machine: its dashboard is named here.
      flow: 'disbursement',
      description: 'Sends the beneficiary messages held by the quiet hours (or left unsent by a crash)',
      entry: 'functions/notifications/send-due-handler.ts',
      timeoutSeconds: 120,
      uses: { tables: { notifications: 'readWrite', accounts: 'read' } },
      triggers: [{ kind: 'schedule', rate: { minutes: 15 } }],
      settings: ['notificationsUrl'],
    },
  },
  routes: [
    { method: 'GET', path: '/v1/health', function: 'health', roles: 'public' },
    // Generated from this definition (tools/openapi.ts): routes, roles and schemas, no data and no secret.
    { method: 'GET', path: '/v1/openapi.json', function: 'apiDocument', roles: 'public' },
    { method: 'GET', path: '/v1/openapi.html', function: 'apiPage', roles: 'public' },
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
    { method: 'GET', path: '/v1/beneficiary-lists', function: 'listLists', roles: ['labor_officer', 'auditor'] },
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
    { method: 'POST', path: '/v1/disbursement-cycles', function: 'createCycle', roles: ['finance_preparer'] },
    {
      method: 'GET',
      path: '/v1/disbursement-cycles',
      function: 'listCycles',
      roles: ['finance_preparer', 'finance_approver', 'auditor'],
    },
    {
      method: 'GET',
      path: '/v1/disbursement-cycles/{cycleId}',
      function: 'getCycle',
      roles: ['finance_preparer', 'finance_approver', 'auditor'],
    },
    {
      method: 'POST',
      path: '/v1/disbursement-cycles/{cycleId}/submit',
      function: 'submitCycle',
      roles: ['finance_preparer'],
    },
    {
      method: 'POST',
      path: '/v1/disbursement-cycles/{cycleId}/approve',
      function: 'approveCycle',
      roles: ['finance_approver'],
    },
    {
      method: 'POST',
      path: '/v1/disbursement-cycles/{cycleId}/retry',
      function: 'retryCycle',
      roles: ['finance_preparer'],
    },
    {
      method: 'POST',
      path: '/v1/disbursement-cycles/{cycleId}/recompute',
      function: 'recomputeCycle',
      roles: ['finance_preparer'],
    },
    {
      method: 'GET',
      path: '/v1/disbursement-cycles/{cycleId}/cash-lists/{communeCode}',
      function: 'getCashList',
      roles: ['finance_preparer', 'finance_approver', 'auditor'],
    },
    {
      method: 'POST',
      path: '/v1/disbursement-cycles/{cycleId}/cash-confirmations',
      function: 'importCashConfirmations',
      roles: ['finance_preparer'],
    },
    {
      method: 'POST',
      path: '/v1/accounts/{accountNumber}/payment-method',
      function: 'changePaymentMethod',
      roles: ['labor_officer'],
    },
    {
      method: 'GET',
      path: '/v1/accounts/{accountNumber}/payment-method',
      function: 'listPaymentMethodChanges',
      roles: ['labor_officer'],
    },
    {
      method: 'POST',
      path: '/v1/accounts/{accountNumber}/payment-method/{changeId}/confirm',
      function: 'confirmPaymentMethodChange',
      roles: ['labor_officer'],
    },
    {
      method: 'POST',
      path: '/v1/statements/uploads',
      function: 'createStatementUpload',
      roles: ['finance_preparer', 'finance_approver'],
    },
    {
      method: 'POST',
      path: '/v1/statements',
      function: 'submitStatement',
      roles: ['finance_preparer', 'finance_approver'],
    },
    {
      method: 'GET',
      path: '/v1/statements',
      function: 'listStatements',
      roles: ['finance_preparer', 'finance_approver', 'auditor'],
    },
    {
      method: 'GET',
      path: '/v1/statements/{importId}',
      function: 'getStatementImport',
      roles: ['finance_preparer', 'finance_approver', 'auditor'],
    },
    {
      method: 'POST',
      path: '/v1/statements/{importId}/confirm',
      function: 'confirmStatementImport',
      roles: ['finance_preparer', 'finance_approver'],
    },
    {
      method: 'GET',
      path: '/v1/statements/{importId}/lines',
      function: 'getStatementLines',
      roles: ['finance_preparer', 'finance_approver', 'auditor'],
    },
    {
      method: 'GET',
      path: '/v1/statements/{importId}/report',
      function: 'exportReconciliation',
      roles: ['finance_preparer', 'finance_approver', 'auditor'],
    },
    {
      method: 'GET',
      path: '/v1/disbursement-cycles/{cycleId}/reconciliation',
      function: 'getCycleReconciliation',
      roles: ['finance_preparer', 'finance_approver', 'auditor'],
    },
    {
      method: 'GET',
      path: '/v1/reconciliation/periods/{period}',
      function: 'getPeriodReconciliation',
      roles: ['finance_preparer', 'finance_approver', 'auditor'],
    },
    // The identity number comes from the token's claim only: the route takes no parameter at all.
    { method: 'GET', path: '/v1/me/payments', function: 'getMyPayments', roles: ['beneficiary'] },
    // The identity number is in the body: nothing the CDN or API Gateway logs carries it.
    {
      method: 'POST',
      path: '/v1/people/payments',
      function: 'getPersonPayments',
      roles: ['labor_officer', 'finance_preparer', 'finance_approver', 'auditor'],
    },
    {
      method: 'GET',
      path: '/v1/payments/{paymentId}/trace',
      function: 'getPaymentTrace',
      roles: ['labor_officer', 'auditor'],
    },
    { method: 'POST', path: '/v1/me/grievances', function: 'reportNotReceived', roles: ['beneficiary'] },
    { method: 'GET', path: '/v1/me/cases', function: 'getMyCases', roles: ['beneficiary'] },
    {
      method: 'PUT',
      path: '/v1/me/notification-preferences',
      function: 'setNotificationPreferences',
      roles: ['beneficiary'],
    },
    { method: 'GET', path: '/v1/cases', function: 'listCases', roles: ['labor_officer', 'auditor'] },
    { method: 'GET', path: '/v1/cases/{caseId}', function: 'getCase', roles: ['labor_officer', 'auditor'] },
    { method: 'POST', path: '/v1/cases/{caseId}/actions', function: 'actOnCase', roles: ['labor_officer'] },
    // The bank authenticates by signing the body (HMAC); it holds no user token.
    { method: 'POST', path: '/v1/bank/callbacks', function: 'bankCallback', roles: 'public' },
  ],
  stateMachines: {
    identityCheck: {
      flow: 'onboarding',
      description: 'Checks the identity numbers of one request, retrying transient faults',
      definitionFile: 'state-machines/identity-check.asl.json',
      functions: { CheckIdentitiesFunctionArn: 'checkIdentities', FailIdentityCheckFunctionArn: 'failIdentityCheck' },
    },
    onboarding: {
      flow: 'onboarding',
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
    disbursement: {
      flow: 'disbursement',
      description: 'Disbursement cycle: compute in shards → await approval → dispatch (SQS) → collect statuses → close',
      definitionFile: 'state-machines/disbursement.asl.json',
      functions: {
        ComputeCycleFunctionArn: 'computeCycle',
        ComputeShardFunctionArn: 'computeShard',
        FinishComputeFunctionArn: 'finishCompute',
        CheckApprovalFunctionArn: 'checkApproval',
        DispatchCycleFunctionArn: 'dispatchCycle',
        CollectStatusesFunctionArn: 'collectStatuses',
        CloseCycleFunctionArn: 'closeCycle',
        FailCycleFunctionArn: 'failCycle',
      },
    },
  },
});
