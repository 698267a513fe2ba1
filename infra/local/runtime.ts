/**
 * The whole platform on one machine: DynamoDB Local, fauxqs (SQS + S3), a Step Functions endpoint, the
 * HTTP API and a development identity provider, all created from the one system definition, with the
 * same handlers that run on Lambda invoked in-process.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type FauxqsServer, interceptLocalhostDns, startFauxqs } from 'fauxqs';
import {
  COMPONENTS_VARIABLE,
  componentsOf,
  ROUTE_ROLES_VARIABLE,
  routeRolesOf,
} from '../../functions/shared/platform-env.js';
import { buildSite } from '../../web/build.js';
import { system as defaultSystem } from '../system.js';
import { envName, PLATFORM_SETTINGS, type ScheduleTrigger, type SystemDef } from '../system-model.js';
import { type BankSimulator, startBankSimulator } from './bank-simulator/simulator.js';
import { DEV_AUDIENCE, DevIdentityProvider, LOCAL_CONSOLE_CLIENT_ID } from './dev-identity-provider.js';
import { type DynamoDbLocal, ensureTable, startDynamoDbLocal } from './dynamodb-local.js';
import { freePort } from './free-port.js';
import { LocalGateway, OIDC_PATH } from './gateway.js';
import { LambdaInvoker } from './lambda-invoker.js';
import { type NotificationSimulator, startNotificationSimulator } from './notification-simulator/simulator.js';
import { type RegistryServer, startRegistryServer } from './population-registry/registry-server.js';
import { LOCAL_POWERTOOLS_ENV } from './powertools-env.js';
import { QueuePoller } from './queue-poller.js';
import { LocalStepFunctions } from './step-functions.js';
import { type StorageFront, startStorageFront } from './storage-front.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REGION = 'ap-southeast-1';

export interface LocalPlatformOptions {
  system?: SystemDef;
  /** Persist everything here; omit for in-memory (tests). */
  dataDir?: string;
  /** Resource name prefix, so several runtimes can share one DynamoDB Local. */
  prefix?: string;
  ports?: {
    http?: number;
    dynamodb?: number;
    sqs?: number;
    stepFunctions?: number;
    registry?: number;
    bank?: number;
    notifications?: number;
  };
  /** The population the local registry serves (default: the built-in synthetic population, `DEFAULT_POPULATION`). */
  population?: { file?: string } | { generated: { count: number; seed: number } };
  /** Reuse an already running DynamoDB Local (tests share one JVM). */
  dynamodbEndpoint?: string;
  /** Tests compress time: visibility timeouts in seconds, Retry pauses skipped, Wait states shortened. */
  visibilityTimeoutSeconds?: number;
  compressTime?: { waitMs: number };
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

export class LocalPlatform {
  readonly system: SystemDef;
  readonly invoker: LambdaInvoker;
  identityProvider!: DevIdentityProvider;
  gateway!: LocalGateway;
  stepFunctions!: LocalStepFunctions;
  queueUrls: Record<string, { url: string; arn: string; dlqUrl: string; dlqName: string }> = {};
  sqs!: SQSClient;
  dynamodbEndpoint = '';
  registry!: RegistryServer;
  bank!: BankSimulator;
  notifications!: NotificationSimulator;
  private dynamodb?: DynamoDbLocal;
  private fauxqs?: FauxqsServer;
  private pollers: QueuePoller[] = [];
  private timers: NodeJS.Timeout[] = [];
  private restoreDns?: () => void;
  private storage?: StorageFront;
  private readonly prefix: string;
  private readonly log: NonNullable<LocalPlatformOptions['log']>;

  constructor(private readonly o: LocalPlatformOptions = {}) {
    this.system = o.system ?? defaultSystem;
    this.prefix = o.prefix ?? `${this.system.name}-`;
    this.invoker = new LambdaInvoker(REPO_ROOT, this.system.functions, REGION);
    this.log = o.log ?? (() => undefined);
  }

  get url(): string {
    return this.gateway.url;
  }

  name(id: string): string {
    return `${this.prefix}${id}`;
  }

  /**
   * Starts every component. A start that fails part way stops what it had started before rethrowing: a test
   * (or `npm start`) that could not start leaves no server, socket or JVM behind to keep the process alive.
   */
  async start(): Promise<this> {
    try {
      return await this.startComponents();
    } catch (err) {
      await this.stop().catch(() => undefined);
      throw err;
    }
  }

  private async startComponents(): Promise<this> {
    const dataDir = this.o.dataDir ? resolve(this.o.dataDir) : undefined;
    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      ...LOCAL_POWERTOOLS_ENV,
      POWERTOOLS_SERVICE_NAME: process.env.POWERTOOLS_SERVICE_NAME ?? 'ansinh-local',
    });

    // DynamoDB first: the Step Functions emulator keeps its executions there.
    if (this.o.dynamodbEndpoint) {
      this.dynamodbEndpoint = this.o.dynamodbEndpoint;
    } else {
      this.dynamodb = await startDynamoDbLocal({
        port: this.o.ports?.dynamodb ?? (await freePort()),
        dataDir: dataDir && join(dataDir, 'dynamodb'),
      });
      this.dynamodbEndpoint = this.dynamodb.endpoint;
    }
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const ddb = new DynamoDBClient({ endpoint: this.dynamodbEndpoint, region: REGION });
    for (const [id, def] of Object.entries(this.system.tables)) {
      await ensureTable(ddb, this.name(id), def);
      process.env[envName.table(id)] = this.name(id);
    }

    // Queue URLs and virtual-hosted S3 use `*.localhost` names, which RFC 6761 reserves for loopback.
    this.restoreDns = interceptLocalhostDns();
    this.fauxqs = await startFauxqs({
      port: this.o.ports?.sqs ?? 0,
      logger: false,
      defaultRegion: REGION,
      ...(dataDir ? { dataDir: join(dataDir, 'fauxqs') } : {}),
    });
    this.sqs = new SQSClient({ endpoint: this.fauxqs.address, region: REGION });
    for (const [id, def] of Object.entries(this.system.queues)) {
      const dlqName = `${this.name(id)}-dlq`;
      const dlq = this.fauxqs.createQueue(dlqName, { attributes: { MessageRetentionPeriod: String(14 * 86400) } });
      const queue = this.fauxqs.createQueue(this.name(id), {
        attributes: {
          VisibilityTimeout: String(this.o.visibilityTimeoutSeconds ?? def.visibilityTimeoutSeconds),
          MessageRetentionPeriod: String((def.retentionDays ?? 4) * 86400),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: def.maxReceiveCount }),
        },
      });
      this.queueUrls[id] = { url: queue.queueUrl, arn: queue.queueArn, dlqUrl: dlq.queueUrl, dlqName };
      process.env[envName.queueUrl(id)] = queue.queueUrl;
      process.env[envName.deadLetterQueueUrl(id)] = dlq.queueUrl;
    }
    for (const id of Object.keys(this.system.buckets)) {
      this.fauxqs.createBucket(this.name(id));
      process.env[envName.bucket(id)] = this.name(id);
    }
    // The issuer URL and the console's origin name the gateway's port, so it is chosen before anything uses it.
    const httpPort = this.o.ports?.http ?? (await freePort());
    const consoleOrigins = [`http://127.0.0.1:${httpPort}`, `http://localhost:${httpPort}`];
    // S3 as browsers meet it (CORS, presigned URL expiry), in front of fauxqs's objects; one rule for all buckets.
    const browserRule = Object.values(this.system.buckets).find((b) => b.browserUploads)?.browserUploads;
    this.storage = await startStorageFront({
      upstreamPort: this.fauxqs.port,
      rule: browserRule ?? { methods: [], allowedHeaders: [], exposedHeaders: [], maxAgeSeconds: 0 },
      origins: browserRule ? consoleOrigins : [],
    });

    // The population registry stands in for the national population database (its contract: schemas/).
    const population = this.o.population;
    this.registry = await startRegistryServer({
      port: this.o.ports?.registry ?? 0,
      ...(population && 'generated' in population ? { generated: population.generated } : {}),
      ...(population && 'file' in population && population.file ? { populationFile: population.file } : {}),
    });
    process.env[PLATFORM_SETTINGS.populationRegistryUrl] = this.registry.url;

    this.stepFunctions = new LocalStepFunctions({
      root: REPO_ROOT,
      region: REGION,
      prefix: this.prefix,
      stateMachines: this.system.stateMachines,
      invoker: this.invoker,
      ddb,
      compressTime: this.o.compressTime,
      log: this.log,
    });
    await this.stepFunctions.start(this.o.ports?.stepFunctions ?? 0);
    for (const id of Object.keys(this.system.stateMachines)) {
      process.env[envName.stateMachineArn(id)] = this.stepFunctions.arnOf(id);
    }

    // The SDK's service-specific endpoint variables point the unchanged handlers at the emulators.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamodbEndpoint,
      // Same host as the queue URLs, so the SDK need not override its endpoint per call.
      AWS_ENDPOINT_URL_SQS: `http://sqs.${REGION}.localhost:${this.fauxqs.port}`,
      AWS_ENDPOINT_URL_S3: `http://s3.localhost:${this.storage.port}`,
      AWS_ENDPOINT_URL_SFN: this.stepFunctions.endpoint,
    });

    this.identityProvider = await DevIdentityProvider.create(
      `http://127.0.0.1:${httpPort}${OIDC_PATH}`,
      dataDir && join(dataDir, 'dev-identity-provider-key.json'),
    );
    // The bank: pain.001 in, signed pain.002 callbacks to our public callback route, camt statements.
    const callbackSecret = randomBytes(24).toString('hex');
    this.bank = await startBankSimulator({
      port: this.o.ports?.bank ?? 0,
      callbackUrl: `http://127.0.0.1:${httpPort}/v1/bank/callbacks`,
      callbackSecret,
    });
    process.env[PLATFORM_SETTINGS.bankUrl] = this.bank.url;
    process.env[PLATFORM_SETTINGS.bankCallbackSecret] = callbackSecret;
    // What beneficiaries are told (SMS / app), recorded instead of sent.
    this.notifications = await startNotificationSimulator({ port: this.o.ports?.notifications ?? 0 });
    process.env[PLATFORM_SETTINGS.notificationsUrl] = this.notifications.url;
    // Every handler runs in this one process, so every route's roles and the component list are set once.
    process.env[ROUTE_ROLES_VARIABLE] = routeRolesOf(this.system.routes);
    process.env[COMPONENTS_VARIABLE] = componentsOf(this.system);

    this.gateway = new LocalGateway({
      routes: this.system.routes,
      invoker: this.invoker,
      identityProvider: this.identityProvider,
      site: buildSite,
      // Presigned uploads go from the page straight to storage (virtual-hosted bucket names).
      connectOrigins: [`http://*.s3.localhost:${this.storage.port}`],
      consoleConfig: { oidc: { issuer: this.identityProvider.issuer, clientId: LOCAL_CONSOLE_CLIENT_ID } },
      tokenPolicy: { issuer: this.identityProvider.issuer, audience: DEV_AUDIENCE, keys: this.identityProvider.keys },
      log: this.log,
    });
    await this.gateway.start(httpPort);
    process.env.ANSINH_OIDC_ISSUER = this.identityProvider.issuer;
    process.env.ANSINH_OIDC_AUDIENCE = DEV_AUDIENCE;

    for (const [fnId, fn] of Object.entries(this.system.functions)) {
      for (const trigger of fn.triggers ?? []) {
        if (trigger.kind === 'queue') {
          const q = this.queueUrls[trigger.queue];
          if (!q) throw new Error(`No queue ${trigger.queue}`);
          const poller = new QueuePoller(this.sqs, this.invoker, {
            functionId: fnId,
            trigger,
            queueUrl: q.url,
            queueArn: q.arn,
            region: REGION,
            onError: (err) => this.log(`Queue consumer ${fnId} failed`, { error: (err as Error).name }),
          });
          poller.start();
          this.pollers.push(poller);
        } else {
          this.schedule(fnId, trigger);
        }
      }
    }

    // Recover what a previous process left unfinished: executions first, then the outbox sweep.
    const resumed = await this.stepFunctions.resumeInterrupted();
    if (resumed) this.log('Resumed interrupted executions', { resumed });
    await this.runSchedules({ staleAfterSeconds: 0 });
    return this;
  }

  private schedule(fnId: string, trigger: ScheduleTrigger) {
    const timer = setInterval(() => {
      this.invoker.invoke(fnId, scheduledEvent(fnId, {})).catch((err) => {
        this.log(`Scheduled ${fnId} failed`, { error: (err as Error).name });
      });
    }, trigger.rate.minutes * 60_000);
    timer.unref();
    this.timers.push(timer);
  }

  /** Runs every scheduled function now (on start, and from tests). */
  async runSchedules(detail: Record<string, unknown> = {}): Promise<void> {
    for (const [fnId, fn] of Object.entries(this.system.functions)) {
      if (fn.triggers?.some((t) => t.kind === 'schedule'))
        await this.invoker.invoke(fnId, scheduledEvent(fnId, detail));
    }
  }

  /** Pollers stop first so nothing new starts; unfinished executions are resumed by the next start. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    // Each step runs even when one before it fails (a half-started platform), so nothing is left open.
    const failures: unknown[] = [];
    const step = async (fn: () => unknown) => {
      try {
        await fn();
      } catch (err) {
        failures.push(err);
      }
    };
    await step(() => this.bank?.stop());
    await step(() => this.notifications?.stop());
    await step(() => this.stepFunctions?.stop());
    await Promise.allSettled(this.pollers.map((p) => p.stop()));
    await step(() => this.gateway?.stop());
    await step(() => this.registry?.stop());
    await step(() => this.sqs?.destroy());
    await step(() => this.storage?.close());
    await step(() => this.fauxqs?.stop());
    await step(() => this.dynamodb?.stop());
    await step(() => this.restoreDns?.());
    if (failures.length) throw new AggregateError(failures, 'some components did not stop cleanly');
  }
}

function scheduledEvent(fnId: string, detail: Record<string, unknown>) {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:000000000000:rule/ansinh-${fnId}`],
    detail,
  };
}
