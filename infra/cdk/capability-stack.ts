/**
 * One capability of the platform (a folder of functions/) as a nested stack: its functions with their roles
 * and log groups, their triggers and declared alarms, the state machines whose tasks they are, and the HTTP
 * routes they serve. What it shares with the rest (the platform key, tables, queues, buckets, the API, the
 * alarm topic, a state machine of another capability) it receives as stack parameters and imports by
 * reference, so every policy it holds names those resources the same way before and after synthesis
 * (`{ Ref: TableJobsArn }`): the cdk-nag acknowledgements (nag-acknowledgements.ts) compare against exactly that.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArnFormat, CfnOutput, CfnParameter, Duration, NestedStack, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import {
  COMPONENTS_VARIABLE,
  componentsOf,
  ROUTE_ROLES_VARIABLE,
  routeRolesOf,
} from '../../functions/shared/platform-env.js';
import {
  envName,
  type FunctionAlarmDef,
  type FunctionDef,
  PLATFORM_SETTINGS,
  type PlatformSetting,
  type ResourceUse,
  type RouteDef,
  routeKey,
  type StateMachineDef,
  type SystemDef,
} from '../system-model.js';
import { AnsinhFunction, METRICS_NAMESPACE } from './ansinh-function.js';
import type { NagView } from './nag-acknowledgements.js';
import { alarmName } from './operations.js';

/** Platform log retention: Decree 53/2022 wants system logs kept at least 12 months. */
export const LOG_RETENTION = logs.RetentionDays.THIRTEEN_MONTHS;

/** `${Name}` placeholders of an ASL document (its DefinitionSubstitutions). */
export const aslPlaceholders = (asl: string): string[] => [
  ...new Set([...asl.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string)),
];

export const pascal = (id: string) =>
  id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** The capability of a function: the folder of functions/ its entry is in (`functions/payments/x.ts` → payments). */
export const capabilityOf = (def: FunctionDef): string => {
  const [top, capability] = def.entry.split('/');
  if (top !== 'functions' || !capability) throw new Error(`entry ${def.entry} is not under functions/<capability>/`);
  return capability;
};

/** The root stack's shared resources, as a capability stack asks for them (each one becomes a parameter). */
export interface SharedResources {
  system: SystemDef;
  repoRoot: string;
  /** The root stack's name: state machine log group names and descriptions stay readable. */
  platformName: string;
  keyArn: string;
  table(id: string): { tableArn: string };
  queue(id: string): { queueArn: string; queueUrl: string; dlqArn: string; dlqUrl: string };
  bucket(id: string): { bucketArn: string; bucketName: string };
  /** A state machine of another capability: its ARN (an output of that capability's stack). */
  stateMachineArn(id: string, consumer: CapabilityStack): string;
  apiId: string;
  authorizerId: string;
  alarmTopicArn: string;
  oidcIssuer: string;
  oidcAudience: string;
  settings: Record<Exclude<PlatformSetting, 'bankCallbackSecret'>, string>;
}

export interface ImportedQueue {
  queue: sqs.IQueue;
  deadLetterQueue: sqs.IQueue;
}

const must = <T>(map: Map<string, T>, id: string, kind: string): T => {
  const v = map.get(id);
  if (!v) throw new Error(`unknown ${kind} ${id}`);
  return v;
};

export class CapabilityStack extends NestedStack {
  readonly capability: string;
  readonly functions = new Map<string, AnsinhFunction>();
  /** The state machines this capability owns (their tasks are its functions). */
  readonly stateMachines = new Map<string, sfn.StateMachine>();
  /** Routes by route key (`GET /v1/health`). */
  readonly routes = new Map<string, apigw.HttpRoute>();
  /** Its declared alarms, by alarm name. */
  readonly alarms = new Map<string, cloudwatch.Alarm>();
  /** Shared resources imported into this stack, by definition id (what the nag acknowledgements compare with). */
  readonly imported = {
    tables: new Map<string, dynamodb.ITableV2>(),
    queues: new Map<string, ImportedQueue>(),
    buckets: new Map<string, s3.IBucket>(),
    stateMachines: new Map<string, sfn.IStateMachine>(),
  };
  /** Other capability stacks whose state machines this one uses. */
  readonly needs = new Set<string>();

  private readonly shared: SharedResources;
  private readonly sys: SystemDef;
  private keyRef?: kms.IKey;
  private topicRef?: sns.ITopic;
  private apiRef?: apigw.IHttpApi;
  private authorizerRef?: apigw.IHttpRouteAuthorizer;

  constructor(scope: Construct, id: string, capability: string, shared: SharedResources) {
    super(scope, id, { description: `${shared.system.name}: ${capability} (functions/${capability})` });
    this.capability = capability;
    this.shared = shared;
    this.sys = shared.system;
  }

  /** Functions first, then the state machines whose tasks they are (those need the functions' ARNs). */
  build(functionIds: string[], stateMachineIds: string[], routes: RouteDef[]): void {
    for (const fid of functionIds) {
      const def = this.sys.functions[fid] as FunctionDef;
      this.functions.set(fid, this.createFunction(fid, def));
      for (const alarm of def.alarms ?? []) {
        this.alarms.set(alarmName.functionMetric(this.sys, fid, alarm.metric), this.createFunctionAlarm(fid, alarm));
      }
    }
    for (const sid of stateMachineIds) {
      const sm = this.createStateMachine(sid, this.sys.stateMachines[sid] as StateMachineDef);
      this.stateMachines.set(sid, sm);
      // Other capabilities read its ARN from here (through the root stack, as their parameter).
      new CfnOutput(this, `StateMachine${pascal(sid)}Arn`, { value: sm.stateMachineArn });
    }
    for (const fid of functionIds) {
      const fn = must(this.functions, fid, 'function');
      const def = this.sys.functions[fid] as FunctionDef;
      this.wireUses(fn, def.uses ?? {});
      this.wireTriggers(fid, fn, def);
    }
    for (const r of routes) this.createRoute(r);
  }

  /** A parameter of this stack, given its value by the root stack. */
  private param(name: string, value: string): string {
    const existing = this.node.tryFindChild(name) as CfnParameter | undefined;
    if (existing) return existing.valueAsString;
    const p = new CfnParameter(this, name, { type: 'String' });
    this.setParameter(name, value);
    return p.valueAsString;
  }

  get key(): kms.IKey {
    this.keyRef ??= kms.Key.fromKeyArn(this, 'PlatformKey', this.param('PlatformKeyArn', this.shared.keyArn));
    return this.keyRef;
  }

  get alarmTopic(): sns.ITopic {
    this.topicRef ??= sns.Topic.fromTopicArn(
      this,
      'AlarmTopic',
      this.param('AlarmTopicArn', this.shared.alarmTopicArn),
    );
    return this.topicRef;
  }

  table(id: string): dynamodb.ITableV2 {
    let t = this.imported.tables.get(id);
    if (!t) {
      const shared = this.shared.table(id);
      const def = this.sys.tables[id];
      if (!def) throw new Error(`unknown table ${id}`);
      t = dynamodb.TableV2.fromTableAttributes(this, `Table${pascal(id)}`, {
        // One of ARN or name: the name (the functions' environment) is read from the ARN.
        tableArn: this.param(`Table${pascal(id)}Arn`, shared.tableArn),
        encryptionKey: this.key,
        grantIndexPermissions: !!def.indexes?.length,
      });
      this.imported.tables.set(id, t);
    }
    return t;
  }

  queue(id: string): ImportedQueue {
    let q = this.imported.queues.get(id);
    if (!q) {
      const shared = this.shared.queue(id);
      const keyArn = this.key.keyArn;
      q = {
        queue: sqs.Queue.fromQueueAttributes(this, `Queue${pascal(id)}`, {
          queueArn: this.param(`Queue${pascal(id)}Arn`, shared.queueArn),
          queueUrl: this.param(`Queue${pascal(id)}Url`, shared.queueUrl),
          keyArn,
        }),
        deadLetterQueue: sqs.Queue.fromQueueAttributes(this, `Queue${pascal(id)}Dlq`, {
          queueArn: this.param(`Queue${pascal(id)}DlqArn`, shared.dlqArn),
          queueUrl: this.param(`Queue${pascal(id)}DlqUrl`, shared.dlqUrl),
          keyArn,
        }),
      };
      this.imported.queues.set(id, q);
    }
    return q;
  }

  bucket(id: string): s3.IBucket {
    let b = this.imported.buckets.get(id);
    if (!b) {
      const shared = this.shared.bucket(id);
      b = s3.Bucket.fromBucketAttributes(this, `Bucket${pascal(id)}`, {
        bucketArn: this.param(`Bucket${pascal(id)}Arn`, shared.bucketArn),
        bucketName: this.param(`Bucket${pascal(id)}Name`, shared.bucketName),
        encryptionKey: this.key,
      });
      this.imported.buckets.set(id, b);
    }
    return b;
  }

  /** Its own state machine, or another capability's imported by ARN. */
  stateMachine(id: string): sfn.IStateMachine {
    const own = this.stateMachines.get(id);
    if (own) return own;
    let sm = this.imported.stateMachines.get(id);
    if (!sm) {
      const arn = this.param(`StateMachine${pascal(id)}Arn`, this.shared.stateMachineArn(id, this));
      sm = sfn.StateMachine.fromStateMachineArn(this, `StateMachine${pascal(id)}`, arn);
      this.imported.stateMachines.set(id, sm);
    }
    return sm;
  }

  /** The shared resources as this stack names them: what its cdk-nag evidence is computed from. */
  nagView(): NagView {
    const machines = [...this.stateMachines.values(), ...this.imported.stateMachines.values()];
    return {
      ...(this.keyRef ? { keyArn: this.keyRef.keyArn } : {}),
      tableArns: [...this.imported.tables.values()].map((t) => t.tableArn),
      bucketObjectArns: (pattern) => [...this.imported.buckets.values()].map((b) => b.arnForObjects(pattern)),
      executionArns: machines.map((sm) => this.executionsArn(sm)),
    };
  }

  /** `arn:…:execution:<state machine name>:*` — every run of one state machine, nothing else. */
  executionsArn(sm: sfn.IStateMachine): string {
    const name =
      sm instanceof sfn.StateMachine
        ? sm.stateMachineName
        : Stack.of(this).splitArn(sm.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName;
    return Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${name}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private createFunction(id: string, def: FunctionDef): AnsinhFunction {
    const settings = def.settings ?? [];
    if (settings.includes('bankCallbackSecret')) {
      throw new Error(`function ${id}: a secret is never deployed as a value; declare bankCallbackSecretId`);
    }
    // A secret is read at run time through the Parameters and Secrets extension (cached 5 minutes there and
    // here), so a rotation needs no deploy; the function may read that one secret and nothing else.
    const readsSecret = settings.includes('bankCallbackSecretId');
    const fn = new AnsinhFunction(this, id, {
      repoRoot: this.shared.repoRoot,
      entry: def.entry,
      description: def.description,
      logKey: this.key,
      memoryMb: def.memoryMb,
      timeoutSeconds: def.timeoutSeconds,
      environment: {
        // The health check probes the issuer; role mapping reads the validated claims.
        ANSINH_OIDC_ISSUER: this.shared.oidcIssuer,
        ANSINH_OIDC_AUDIENCE: this.shared.oidcAudience,
        // Who may call each of the function's routes, and (health check) what there is to describe.
        ...(this.sys.routes.some((r) => r.function === id)
          ? { [ROUTE_ROLES_VARIABLE]: routeRolesOf(this.sys.routes.filter((r) => r.function === id)) }
          : {}),
        ...(def.uses?.describeAll ? { [COMPONENTS_VARIABLE]: componentsOf(this.sys) } : {}),
        ...Object.fromEntries(
          settings.map((k) => [
            PLATFORM_SETTINGS[k],
            this.shared.settings[k as Exclude<typeof k, 'bankCallbackSecret'>],
          ]),
        ),
      },
      ...(readsSecret
        ? {
            paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(
              lambda.ParamsAndSecretsVersions.V1_0_103,
              {
                cacheSize: 10,
                secretsManagerTtl: Duration.minutes(5),
              },
            ),
          }
        : {}),
    });
    if (settings.includes('notificationsUrl') && this.shared.settings.notificationsUrl === 'aws-sms') {
      // SMS straight to a phone number (functions/notifications/port.ts) is an SNS Publish with no topic, and IAM
      // cannot name a phone number: Publish is allowed on "*" and denied on every topic and endpoint ARN.
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          effect: iam.Effect.DENY,
          actions: ['sns:Publish'],
          resources: ['arn:aws:sns:*:*:*'],
        }),
      );
    }
    if (readsSecret) {
      secretsmanager.Secret.fromSecretNameV2(
        this,
        `${id}CallbackSecret`,
        this.shared.settings.bankCallbackSecretId,
      ).grantRead(fn);
    }
    return fn;
  }

  /** Like the dead-letter alarms: anything above the threshold is something that will not fix itself. */
  private createFunctionAlarm(id: string, def: FunctionAlarmDef): cloudwatch.Alarm {
    const alarm = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: def.metric,
      dimensionsMap: { service: id },
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.SUM,
    }).createAlarm(this, `${id}-${def.metric}`, {
      alarmName: alarmName.functionMetric(this.sys, id, def.metric),
      alarmDescription: `${id}: ${def.description}. Runbook: docs/runbook.md`,
      threshold: def.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    alarm.addOkAction(new SnsAction(this.alarmTopic));
    return alarm;
  }

  private createStateMachine(id: string, def: StateMachineDef): sfn.StateMachine {
    const asl = readFileSync(resolve(this.shared.repoRoot, def.definitionFile), 'utf8');
    JSON.parse(asl); // fail the synth on a broken file rather than the deployment
    const placeholders = aslPlaceholders(asl);
    const missing = placeholders.filter((p) => !(p in def.functions));
    const unused = Object.keys(def.functions).filter((s) => !placeholders.includes(s));
    if (missing.length || unused.length) {
      throw new Error(
        `state machine ${id} (${def.definitionFile}): placeholders without a function: [${missing.join(', ')}], ` +
          `functions without a placeholder: [${unused.join(', ')}]`,
      );
    }
    const tasks = Object.entries(def.functions).map(
      ([name, fid]) => [name, must(this.functions, fid, 'function')] as const,
    );

    const sm = new sfn.StateMachine(this, id, {
      comment: def.description,
      definitionBody: sfn.DefinitionBody.fromString(asl),
      definitionSubstitutions: Object.fromEntries(tasks.map(([name, fn]) => [name, fn.functionArn])),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: {
        // The /aws/vendedlogs/ prefix keeps the CloudWatch Logs resource policy small (AWS guidance).
        destination: new logs.LogGroup(this, `${id}Logs`, {
          logGroupName: `/aws/vendedlogs/states/${this.shared.platformName}/${id}`,
          retention: LOG_RETENTION,
          encryptionKey: this.key,
        }),
        level: sfn.LogLevel.ALL,
        // Inputs and outputs carry identity numbers: log the events, never the data.
        includeExecutionData: false,
      },
    });
    // Exactly the task functions, unqualified (the ASL never calls a version or an alias).
    sm.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'InvokeTaskFunctions',
        actions: ['lambda:InvokeFunction'],
        resources: [...new Set(tasks.map(([, fn]) => fn.functionArn))],
      }),
    );
    return sm;
  }

  /** Environment variables and IAM grants, exactly as the definition's `uses` says. */
  private wireUses(fn: AnsinhFunction, uses: ResourceUse): void {
    for (const [tid, access] of Object.entries(uses.tables ?? {})) {
      const table = this.table(tid);
      fn.addEnvironment(envName.table(tid), table.tableName);
      if (access === 'readWrite') table.grantReadWriteData(fn);
      else table.grantReadData(fn);
    }
    for (const [qid, access] of Object.entries(uses.queues ?? {})) {
      const { queue, deadLetterQueue } = this.queue(qid);
      fn.addEnvironment(envName.queueUrl(qid), queue.queueUrl);
      fn.addEnvironment(envName.deadLetterQueueUrl(qid), deadLetterQueue.queueUrl);
      if (access === 'send') queue.grantSendMessages(fn);
      else queue.grantConsumeMessages(fn);
    }
    for (const [sid, access] of Object.entries(uses.stateMachines ?? {})) {
      const sm = this.stateMachine(sid);
      fn.addEnvironment(envName.stateMachineArn(sid), sm.stateMachineArn);
      if (access === 'start') {
        sm.grantStartExecution(fn);
        // Runs are named by request id, so a starter may look up the run it started (e.g. after
        // ExecutionAlreadyExists) — but only runs of this state machine.
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [this.executionsArn(sm)] }),
        );
      } else {
        // Narrower than StateMachine.grantRead, which also allows listing and describing every state machine
        // and activity in the account.
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['states:DescribeStateMachine', 'states:ListExecutions'],
            resources: [sm.stateMachineArn],
          }),
        );
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
            resources: [this.executionsArn(sm)],
          }),
        );
      }
    }
    for (const [bid, access] of Object.entries(uses.buckets ?? {})) {
      const bucket = this.bucket(bid);
      fn.addEnvironment(envName.bucket(bid), bucket.bucketName);
      // Object-level actions only (Bucket.grantRead/grantReadWrite add s3:List*, s3:GetBucket*, s3:DeleteObject*...),
      // and only under the key prefixes the function uses.
      const under = (prefixes: string[] = []) => prefixes.map((p) => bucket.arnForObjects(`${p}*`));
      if (access.read?.length) {
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: under(access.read) }));
      }
      if (access.write?.length) {
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: under(access.write) }));
      }
      if (access.write?.length) this.key.grant(fn, 'kms:Decrypt', 'kms:GenerateDataKey');
      else this.key.grant(fn, 'kms:Decrypt');
    }
    if (uses.describeAll) this.wireDescribeAll(fn);
  }

  /** Health checks: where every resource is, and the right to describe it (no data access). */
  private wireDescribeAll(fn: AnsinhFunction): void {
    const statement = (actions: string[], resources: string[]) => {
      if (resources.length) fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
    };
    const tables = Object.keys(this.sys.tables).map((tid) => [tid, this.table(tid)] as const);
    for (const [tid, table] of tables) fn.addEnvironment(envName.table(tid), table.tableName);
    statement(
      ['dynamodb:DescribeTable'],
      tables.map(([, t]) => t.tableArn),
    );
    const queues = Object.keys(this.sys.queues).map((qid) => [qid, this.queue(qid)] as const);
    for (const [qid, { queue, deadLetterQueue }] of queues) {
      fn.addEnvironment(envName.queueUrl(qid), queue.queueUrl);
      fn.addEnvironment(envName.deadLetterQueueUrl(qid), deadLetterQueue.queueUrl);
    }
    statement(
      ['sqs:GetQueueAttributes'],
      queues.flatMap(([, q]) => [q.queue.queueArn, q.deadLetterQueue.queueArn]),
    );
    const machines = Object.keys(this.sys.stateMachines).map((sid) => [sid, this.stateMachine(sid)] as const);
    for (const [sid, sm] of machines) fn.addEnvironment(envName.stateMachineArn(sid), sm.stateMachineArn);
    statement(
      ['states:DescribeStateMachine'],
      machines.map(([, s]) => s.stateMachineArn),
    );
    const buckets = Object.keys(this.sys.buckets).map((bid) => [bid, this.bucket(bid)] as const);
    for (const [bid, bucket] of buckets) fn.addEnvironment(envName.bucket(bid), bucket.bucketName);
    // HeadBucket is authorised by s3:ListBucket.
    statement(
      ['s3:ListBucket'],
      buckets.map(([, b]) => b.bucketArn),
    );
  }

  private wireTriggers(id: string, fn: AnsinhFunction, def: FunctionDef): void {
    for (const [i, trigger] of (def.triggers ?? []).entries()) {
      if (trigger.kind === 'queue') {
        const { queue } = this.queue(trigger.queue);
        fn.addEventSource(
          new SqsEventSource(queue, {
            batchSize: trigger.batchSize,
            maxConcurrency: trigger.maxConcurrency,
            maxBatchingWindow:
              trigger.maxBatchingWindowSeconds === undefined
                ? undefined
                : Duration.seconds(trigger.maxBatchingWindowSeconds),
            // Handlers report failed records only, so one bad message does not redeliver the whole batch.
            reportBatchItemFailures: true,
          }),
        );
      } else {
        const every = Duration.minutes(trigger.rate.minutes);
        new events.Rule(this, `${id}Schedule${i}`, {
          description: `${id}: every ${trigger.rate.minutes} minutes`,
          schedule: events.Schedule.rate(every),
          // A run older than the next tick is superseded by it: do not let retries pile up behind.
          targets: [
            new targets.LambdaFunction(fn, {
              retryAttempts: 2,
              maxEventAge: Duration.seconds(Math.max(60, every.toSeconds())),
            }),
          ],
        });
      }
    }
  }

  /** The root's JWT authorizer, imported once. */
  private jwtAuthorizer(): apigw.IHttpRouteAuthorizer {
    this.authorizerRef ??= apigw.HttpAuthorizer.fromHttpAuthorizerAttributes(this, 'Oidc', {
      authorizerId: this.param('AuthorizerId', this.shared.authorizerId),
      authorizerType: apigw.HttpAuthorizerType.JWT,
    });
    return this.authorizerRef;
  }

  /**
   * The route lives here, beside its function: the API (root stack) never references a function, so the
   * root depends on no capability for its API and a capability's routes come and go with it.
   */
  private createRoute(r: RouteDef): void {
    this.apiRef ??= apigw.HttpApi.fromHttpApiAttributes(this, 'Api', {
      httpApiId: this.param('ApiId', this.shared.apiId),
    });
    const authorizer = r.roles === 'public' ? new apigw.HttpNoneAuthorizer() : this.jwtAuthorizer();
    const fn = must(this.functions, r.function, 'function');
    const route = new apigw.HttpRoute(this, `Route ${routeKey(r)}`, {
      httpApi: this.apiRef,
      routeKey: apigw.HttpRouteKey.with(r.path, apigw.HttpMethod[r.method]),
      integration: new HttpLambdaIntegration(`${r.function}-${r.method}-${r.path}`, fn),
      // The token proves who the caller is; which roles may call the route is checked by the handler,
      // from the same definition.
      authorizer,
    });
    this.routes.set(routeKey(r), route);
  }
}
