/**
 * The vocabulary of the one system definition (infra/system.ts). Both the CDK app and the local runtime
 * read a value of this type; nothing about tables, queues, functions, routes or state machines is declared
 * anywhere else.
 */
import { envName, PLATFORM_SETTINGS, type PlatformSetting, routeKey } from '../functions/shared/platform-env.js';
import type { RoleId } from '../schemas/roles.js';

// The variable names are the functions' side of the contract; the deployment reads them from there.
export { envName, PLATFORM_SETTINGS, type PlatformSetting, routeKey };

export type KeyType = 'S' | 'N';
export interface KeyAttribute {
  name: string;
  type: KeyType;
}

export interface TableIndex {
  name: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  /**
   * ALL (default) copies every attribute; KEYS_ONLY keeps the index out of updates that change no key;
   * `{ include }` copies the keys plus these top-level attributes (small summaries a query reads or filters on).
   */
  projection?: 'ALL' | 'KEYS_ONLY' | { include: string[] };
}

export interface TableDef {
  description: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  /** Global secondary indexes. Sparse ones are the outbox/redrive pattern. */
  indexes?: TableIndex[];
  /** Attribute holding an epoch-seconds expiry, if items expire. */
  timeToLiveAttribute?: string;
}

/**
 * The business flows the operations dashboards follow (infra/cdk/flows.ts). A queue or state machine names its
 * flow; the functions around it (its tasks, senders, consumers, starters) are counted in that flow from their
 * `uses`, `triggers` and the state machines' `functions`, never listed again.
 */
export const FLOWS = ['onboarding', 'disbursement', 'reconciliation'] as const;
export type FlowId = (typeof FLOWS)[number];

export interface QueueDef {
  description: string;
  flow?: FlowId;
  /** Must be at least 6x the consumer's timeout (AWS guidance for Lambda event sources). */
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the queue's dead-letter queue. */
  maxReceiveCount: number;
  retentionDays?: number;
}

export interface BucketDef {
  description: string;
  /** Days after which objects are deleted (uploads are transient; results live in DynamoDB). */
  expireAfterDays?: number;
  /**
   * Browsers PUT files straight into the bucket through presigned URLs: the CORS rule that allows it. The
   * origins are the deployment's (the console's own, and any configured); nothing else is allowed cross-origin.
   */
  browserUploads?: BrowserUploadRule;
}

export interface BrowserUploadRule {
  methods: 'PUT'[];
  allowedHeaders: string[];
  exposedHeaders: string[];
  maxAgeSeconds: number;
}

export type TableAccess = 'read' | 'readWrite';
export type QueueAccess = 'send' | 'consume';
export type StateMachineAccess = 'start' | 'read';
/**
 * Object access by key prefix (`incoming/`, `callbacks/`…): a function reads and writes only the keys it
 * uses, so one that takes public input (the bank callback) cannot read what officers uploaded.
 */
export interface BucketAccess {
  read?: string[];
  write?: string[];
}

/** What a function touches: drives both its environment variables and its IAM grants. */
export interface ResourceUse {
  tables?: Record<string, TableAccess>;
  queues?: Record<string, QueueAccess>;
  stateMachines?: Record<string, StateMachineAccess>;
  buckets?: Record<string, BucketAccess>;
  /** Read-only describe calls on every resource (health checks). */
  describeAll?: boolean;
}

export interface QueueTrigger {
  kind: 'queue';
  queue: string;
  batchSize: number;
  maxBatchingWindowSeconds?: number;
  /**
   * At most this many invocations at once from this queue (the event source's maximum concurrency, 2–1,000):
   * bounds how fast the step's workers together write the keys they share (docs/scale-model.md).
   */
  maxConcurrency?: number;
}
export interface ScheduleTrigger {
  kind: 'schedule';
  /** EventBridge rate expression, e.g. `rate(5 minutes)`; the local runtime also runs it once on start. */
  rate: { minutes: number };
}
export type Trigger = QueueTrigger | ScheduleTrigger;

export interface FunctionDef {
  description: string;
  /** Only for a function no queue or state machine of a flow reaches (a scheduled sweep): its dashboard. */
  flow?: FlowId;
  /** Path from the repository root to a module exporting `handler`. */
  entry: string;
  memoryMb?: number;
  timeoutSeconds?: number;
  uses?: ResourceUse;
  triggers?: Trigger[];
  settings?: PlatformSetting[];
  /** Alarms on metrics the function publishes itself. */
  alarms?: FunctionAlarmDef[];
}

/**
 * An alarm on a metric a function publishes with Powertools (the platform namespace, dimension `service` =
 * the function id): raised when the metric's sum over 5 minutes is above `threshold`.
 */
export interface FunctionAlarmDef {
  metric: string;
  description: string;
  threshold: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface RouteDef {
  method: HttpMethod;
  /** API Gateway path syntax: `/v1/identity-checks/{checkId}`. */
  path: string;
  function: string;
  /** `public` routes skip the JWT authorizer; otherwise the caller needs one of these roles. */
  roles: RoleId[] | 'public';
}

export interface StateMachineDef {
  description: string;
  flow?: FlowId;
  /** ASL file under state-machines/. `${Name}` placeholders are DefinitionSubstitutions. */
  definitionFile: string;
  /** Substitution name → function id. Task states call these functions (lambda:invoke). */
  functions: Record<string, string>;
}

export interface SystemDef {
  name: string;
  tables: Record<string, TableDef>;
  queues: Record<string, QueueDef>;
  buckets: Record<string, BucketDef>;
  functions: Record<string, FunctionDef>;
  routes: RouteDef[];
  stateMachines: Record<string, StateMachineDef>;
}

/** Checks the definition's cross references once, so both consumers can trust it. */
export function validateSystem(sys: SystemDef): SystemDef {
  const problems: string[] = [];
  const need = (ok: boolean, msg: string) => ok || problems.push(msg);
  for (const [id, t] of Object.entries(sys.tables)) {
    const names = (t.indexes ?? []).map((ix) => ix.name);
    need(new Set(names).size === names.length, `table ${id}: an index name is used twice`);
    for (const ix of t.indexes ?? []) {
      const p = ix.projection;
      if (typeof p === 'object') {
        need(
          p.include.length > 0 && p.include.length <= 100,
          `table ${id}: index ${ix.name} includes 1 to 100 attributes`,
        );
      }
    }
  }
  for (const [id, fn] of Object.entries(sys.functions)) {
    for (const t of Object.keys(fn.uses?.tables ?? {})) need(t in sys.tables, `${id}: unknown table ${t}`);
    for (const q of Object.keys(fn.uses?.queues ?? {})) need(q in sys.queues, `${id}: unknown queue ${q}`);
    for (const s of Object.keys(fn.uses?.stateMachines ?? {}))
      need(s in sys.stateMachines, `${id}: unknown state machine ${s}`);
    for (const [b, access] of Object.entries(fn.uses?.buckets ?? {})) {
      need(b in sys.buckets, `${id}: unknown bucket ${b}`);
      const prefixes = [...(access.read ?? []), ...(access.write ?? [])];
      need(prefixes.length > 0, `${id}: bucket ${b} used without a key prefix`);
      for (const prefix of prefixes)
        need(/^[a-z0-9-]+\/$/.test(prefix), `${id}: key prefix ${prefix} must be one folder ending in /`);
    }
    for (const t of fn.triggers ?? []) {
      if (t.kind === 'queue') {
        need(t.queue in sys.queues, `${id}: trigger on unknown queue ${t.queue}`);
        const q = sys.queues[t.queue];
        if (q) {
          need(
            q.visibilityTimeoutSeconds >= 6 * (fn.timeoutSeconds ?? 30),
            `${id}: queue ${t.queue} visibility timeout must be ≥ 6 × function timeout`,
          );
        }
        need(t.batchSize >= 1 && t.batchSize <= 10000, `${id}: batch size out of range`);
        need(
          t.maxConcurrency === undefined ||
            (Number.isInteger(t.maxConcurrency) && t.maxConcurrency >= 2 && t.maxConcurrency <= 1000),
          `${id}: maximum concurrency out of range (2–1,000)`,
        );
      }
    }
  }
  const keys = new Set<string>();
  for (const r of sys.routes) {
    need(r.function in sys.functions, `route ${routeKey(r)}: unknown function ${r.function}`);
    need(!keys.has(routeKey(r)), `route ${routeKey(r)} declared twice`);
    keys.add(routeKey(r));
  }
  for (const [id, sm] of Object.entries(sys.stateMachines)) {
    for (const f of Object.values(sm.functions)) need(f in sys.functions, `state machine ${id}: unknown function ${f}`);
  }
  if (problems.length) throw new Error(`Invalid system definition:\n- ${problems.join('\n- ')}`);
  return sys;
}
