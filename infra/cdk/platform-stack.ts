/**
 * The whole platform as one stack, built by walking the system definition (infra/system.ts). The only
 * resources declared here by hand are cross-cutting: the KMS key, the S3 access-log bucket, the HTTP API with
 * its authorizer and access logs. Everything else exists because the definition names it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArnFormat, Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
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
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  COMPONENTS_VARIABLE,
  componentsOf,
  ROUTE_ROLES_VARIABLE,
  routeRolesOf,
} from '../../functions/shared/platform-env.js';
import {
  type BrowserUploadRule,
  type BucketDef,
  envName,
  type FunctionAlarmDef,
  type FunctionDef,
  type KeyAttribute,
  PLATFORM_SETTINGS,
  type PlatformSetting,
  type QueueDef,
  type ResourceUse,
  routeKey,
  type StateMachineDef,
  type SystemDef,
  type TableDef,
} from '../system-model.js';
import { AnsinhFunction, METRICS_NAMESPACE } from './ansinh-function.js';
import { WebConsole } from './web-console.js';

export interface PlatformStackProps extends StackProps {
  system: SystemDef;
  /** Repository root: function entries and state machine files are relative to it. */
  repoRoot: string;
  /** Browser origins allowed to call the API and to PUT to presigned upload URLs. */
  webOrigins: string[];
  /** OpenID Connect issuer whose tokens the API accepts (JWT authorizer) and handlers re-check. */
  oidcIssuer: string;
  /** Values of the platform settings functions may declare (infra/system-model.ts); the secret itself never. */
  settings: Record<Exclude<PlatformSetting, 'bankCallbackSecret'>, string>;
  oidcAudience: string;
  /** The web console's static site (infra/cdk/web-console.ts); omit to deploy the API alone. */
  webConsole?: {
    countries: string[];
    /** The console's OIDC client (public, PKCE). */
    clientId: string;
    domainName?: string;
    certificateArn?: string;
    webAclArn?: string;
    connectOrigins?: string[];
  };
  /**
   * The API's own domain and its regional ACM certificate. With the console in front, the API's default
   * execute-api endpoint is disabled (it would let anyone bypass CloudFront's geo restriction and logs) and
   * CloudFront reaches the API through this domain. Without a console, the default endpoint stays.
   */
  apiDomain?: { domainName: string; certificateArn: string };
}

export interface PlatformQueue {
  queue: sqs.Queue;
  deadLetterQueue: sqs.Queue;
}

/** Platform log retention: Decree 53/2022 wants system logs kept at least 12 months. */
export const LOG_RETENTION = logs.RetentionDays.THIRTEEN_MONTHS;

/** `${Name}` placeholders of an ASL document (its DefinitionSubstitutions). */
export const aslPlaceholders = (asl: string): string[] => [
  ...new Set([...asl.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string)),
];

const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);
const attribute = (k: KeyAttribute): dynamodb.Attribute => ({
  name: k.name,
  type: k.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});
const must = <T>(map: Map<string, T>, id: string, kind: string): T => {
  const v = map.get(id);
  if (!v) throw new Error(`unknown ${kind} ${id}`);
  return v;
};

export class PlatformStack extends Stack {
  readonly system: SystemDef;
  /** Customer-managed key for every table, queue, bucket and log group of the platform. */
  readonly key: kms.Key;
  readonly accessLogBucket: s3.Bucket;
  readonly tables = new Map<string, dynamodb.TableV2>();
  readonly queues = new Map<string, PlatformQueue>();
  readonly buckets = new Map<string, s3.Bucket>();
  readonly functions = new Map<string, AnsinhFunction>();
  readonly stateMachines = new Map<string, sfn.StateMachine>();
  readonly api: apigw.HttpApi;
  /** Routes by route key (`GET /v1/health`). */
  readonly routes = new Map<string, apigw.HttpRoute>();
  readonly webConsole?: WebConsole;

  private readonly props: PlatformStackProps;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    this.props = props;
    this.system = props.system;
    const sys = props.system;

    this.key = this.createKey();
    this.accessLogBucket = this.createAccessLogBucket();

    const tables = new Construct(this, 'Tables');
    for (const [tid, def] of Object.entries(sys.tables)) this.tables.set(tid, this.createTable(tables, tid, def));
    const queues = new Construct(this, 'Queues');
    for (const [qid, def] of Object.entries(sys.queues)) this.queues.set(qid, this.createQueue(queues, qid, def));
    const buckets = new Construct(this, 'Buckets');
    for (const [bid, def] of Object.entries(sys.buckets)) this.buckets.set(bid, this.createBucket(buckets, bid, def));

    // Functions first, state machines next (they need the task functions' ARNs), then what functions use
    // (which may include a state machine's ARN). A function may not use a state machine it is a task of:
    // that would be a circular reference in CloudFormation.
    this.checkNoCycles(sys);
    const functions = new Construct(this, 'Functions');
    for (const [fid, def] of Object.entries(sys.functions)) {
      this.functions.set(fid, this.createFunction(functions, fid, def));
      for (const alarm of def.alarms ?? []) this.createFunctionAlarm(functions, fid, alarm);
    }
    const stateMachines = new Construct(this, 'StateMachines');
    for (const [sid, def] of Object.entries(sys.stateMachines)) {
      this.stateMachines.set(sid, this.createStateMachine(stateMachines, sid, def));
    }
    for (const [fid, def] of Object.entries(sys.functions)) {
      const fn = must(this.functions, fid, 'function');
      this.wireUses(fn, def.uses ?? {});
      this.wireTriggers(functions, fid, fn, def);
    }

    this.api = this.createApi();
    if (props.webConsole) {
      this.webConsole = new WebConsole(this, 'WebConsole', {
        ...props.webConsole,
        oidc: { issuer: props.oidcIssuer, clientId: props.webConsole.clientId, scope: 'openid profile' },
        api: this.api,
        ...(props.apiDomain ? { apiDomainName: props.apiDomain.domainName } : {}),
        platformKey: this.key,
        logRetention: LOG_RETENTION,
        accessLogBucket: this.accessLogBucket,
        repoRoot: props.repoRoot,
        uploadOrigins: Object.entries(this.system.buckets)
          .filter(([, def]) => def.browserUploads)
          .map(([id]) => `https://${this.browserBucketName(id)}.s3.${Aws.REGION}.amazonaws.com`),
      });
      // The console PUTs large files straight into storage from its own origin.
      for (const [def, bucket] of this.browserUploadBuckets()) {
        bucket.addCorsRule(browserUploadCors(def, [this.webConsole.origin]));
      }
    }
    this.createOutputs();
  }

  private createKey(): kms.Key {
    const key = new kms.Key(this, 'PlatformKey', {
      description: `${this.system.name}: encrypts tables, queues, buckets and log groups`,
      enableKeyRotation: true,
      alias: `alias/${this.system.name}/platform`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts log groups with the key itself, so its regional service principal needs the
    // key, and only for log groups of this account and region.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'], // in a key policy, `*` is this key
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*`,
          },
        },
      }),
    );
    return key;
  }

  /** A KMS-encrypted log group kept for the platform retention. */
  private logGroup(scope: Construct, id: string, logGroupName?: string): logs.LogGroup {
    return new logs.LogGroup(scope, id, { logGroupName, retention: LOG_RETENTION, encryptionKey: this.key });
  }

  private createAccessLogBucket(): s3.Bucket {
    // S3 server access logs can only be delivered to a bucket with S3-managed encryption (not SSE-KMS).
    return new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      // Access logs are security logs: keep them for 13 months like the other platform logs.
      lifecycleRules: [{ expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private createTable(scope: Construct, id: string, def: TableDef): dynamodb.TableV2 {
    return new dynamodb.TableV2(scope, id, {
      partitionKey: attribute(def.partitionKey),
      sortKey: def.sortKey && attribute(def.sortKey),
      globalSecondaryIndexes: def.indexes?.map((ix) => ({
        indexName: ix.name,
        partitionKey: attribute(ix.partitionKey),
        sortKey: ix.sortKey && attribute(ix.sortKey),
        ...(typeof ix.projection === 'object'
          ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: ix.projection.include }
          : {
              projectionType:
                ix.projection === 'KEYS_ONLY' ? dynamodb.ProjectionType.KEYS_ONLY : dynamodb.ProjectionType.ALL,
            }),
      })),
      timeToLiveAttribute: def.timeToLiveAttribute,
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      // Payment records: neither a stack update nor a console click may drop a table.
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private createQueue(scope: Construct, id: string, def: QueueDef): PlatformQueue {
    const deadLetterQueue = new sqs.Queue(scope, `${id}-dlq`, {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
    });
    const queue = new sqs.Queue(scope, id, {
      visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
      retentionPeriod: def.retentionDays ? Duration.days(def.retentionDays) : undefined,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: def.maxReceiveCount },
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
    });
    // Anything in a dead-letter queue is a request that will not complete on its own: someone must look.
    deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(scope, `${id}-dlq-not-empty`, {
        alarmDescription: `${id}: messages in the dead-letter queue (${def.description})`,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    return { queue, deadLetterQueue };
  }

  private createBucket(scope: Construct, id: string, def: BucketDef): s3.Bucket {
    return new s3.Bucket(scope, id, {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true, // one data key per bucket rather than per object: fewer KMS calls
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: `${id}/`,
      lifecycleRules: [
        {
          // Uploads hold personal data: once expired, older versions must go too.
          expiration: def.expireAfterDays ? Duration.days(def.expireAfterDays) : undefined,
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Browsers PUT files straight to presigned URLs; nothing else is allowed cross-origin.
      ...(def.browserUploads
        ? {
            bucketName: this.browserBucketName(id),
            cors: [browserUploadCors(def.browserUploads, this.props.webOrigins)],
          }
        : {}),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * A bucket browsers upload to has a name known before it exists: the console's CSP names it, and the bucket's
   * CORS rule names the console's distribution, so deriving either from the other resource would be a cycle.
   */
  private browserBucketName(id: string): string {
    return `${this.stackName.toLowerCase()}-${id.toLowerCase()}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
  }

  private browserUploadBuckets(): [BrowserUploadRule, s3.Bucket][] {
    return Object.entries(this.system.buckets).flatMap(([id, def]) =>
      def.browserUploads
        ? [[def.browserUploads, must(this.buckets, id, 'bucket')] as [BrowserUploadRule, s3.Bucket]]
        : [],
    );
  }

  private checkNoCycles(sys: SystemDef): void {
    for (const [sid, sm] of Object.entries(sys.stateMachines)) {
      for (const fid of Object.values(sm.functions)) {
        const uses = sys.functions[fid]?.uses;
        if (uses?.stateMachines?.[sid] || uses?.describeAll) {
          throw new Error(
            `function ${fid} is a task of state machine ${sid} and also uses it: CloudFormation cannot create ` +
              'a state machine that needs the function ARN and a function that needs the state machine ARN',
          );
        }
      }
    }
  }

  private createFunction(scope: Construct, id: string, def: FunctionDef): AnsinhFunction {
    const settings = def.settings ?? [];
    if (settings.includes('bankCallbackSecret')) {
      throw new Error(`function ${id}: a secret is never deployed as a value; declare bankCallbackSecretId`);
    }
    // A secret is read at run time through the Parameters and Secrets extension (cached 5 minutes there and
    // here), so a rotation needs no deploy; the function may read that one secret and nothing else.
    const readsSecret = settings.includes('bankCallbackSecretId');
    const fn = new AnsinhFunction(scope, id, {
      repoRoot: this.props.repoRoot,
      entry: def.entry,
      description: def.description,
      logKey: this.key,
      memoryMb: def.memoryMb,
      timeoutSeconds: def.timeoutSeconds,
      environment: {
        // The health check probes the issuer; role mapping reads the validated claims.
        ANSINH_OIDC_ISSUER: this.props.oidcIssuer,
        ANSINH_OIDC_AUDIENCE: this.props.oidcAudience,
        // Who may call each of the function's routes, and (health check) what there is to describe.
        ...(this.system.routes.some((r) => r.function === id)
          ? { [ROUTE_ROLES_VARIABLE]: routeRolesOf(this.system.routes.filter((r) => r.function === id)) }
          : {}),
        ...(def.uses?.describeAll ? { [COMPONENTS_VARIABLE]: componentsOf(this.system) } : {}),
        ...Object.fromEntries(
          settings.map((k) => [
            PLATFORM_SETTINGS[k],
            this.props.settings[k as Exclude<typeof k, 'bankCallbackSecret'>],
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
    if (settings.includes('notificationsUrl') && this.props.settings.notificationsUrl === 'aws-sms') {
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
        scope,
        `${id}CallbackSecret`,
        this.props.settings.bankCallbackSecretId,
      ).grantRead(fn);
    }
    return fn;
  }

  /** Like the dead-letter alarms: anything above the threshold is something that will not fix itself. */
  private createFunctionAlarm(scope: Construct, id: string, def: FunctionAlarmDef): cloudwatch.Alarm {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: def.metric,
      dimensionsMap: { service: id },
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.SUM,
    }).createAlarm(scope, `${id}-${def.metric}`, {
      alarmDescription: `${id}: ${def.description}`,
      threshold: def.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private createStateMachine(scope: Construct, id: string, def: StateMachineDef): sfn.StateMachine {
    const asl = readFileSync(resolve(this.props.repoRoot, def.definitionFile), 'utf8');
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

    const sm = new sfn.StateMachine(scope, id, {
      comment: def.description,
      definitionBody: sfn.DefinitionBody.fromString(asl),
      definitionSubstitutions: Object.fromEntries(tasks.map(([name, fn]) => [name, fn.functionArn])),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: {
        // The /aws/vendedlogs/ prefix keeps the CloudWatch Logs resource policy small (AWS guidance).
        destination: this.logGroup(scope, `${id}Logs`, `/aws/vendedlogs/states/${this.stackName}-${id}`),
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
      const table = must(this.tables, tid, 'table');
      fn.addEnvironment(envName.table(tid), table.tableName);
      if (access === 'readWrite') table.grantReadWriteData(fn);
      else table.grantReadData(fn);
    }
    for (const [qid, access] of Object.entries(uses.queues ?? {})) {
      const { queue, deadLetterQueue } = must(this.queues, qid, 'queue');
      fn.addEnvironment(envName.queueUrl(qid), queue.queueUrl);
      fn.addEnvironment(envName.deadLetterQueueUrl(qid), deadLetterQueue.queueUrl);
      if (access === 'send') queue.grantSendMessages(fn);
      else queue.grantConsumeMessages(fn);
    }
    for (const [sid, access] of Object.entries(uses.stateMachines ?? {})) {
      const sm = must(this.stateMachines, sid, 'state machine');
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
      const bucket = must(this.buckets, bid, 'bucket');
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
    for (const [tid, table] of this.tables) fn.addEnvironment(envName.table(tid), table.tableName);
    statement(
      ['dynamodb:DescribeTable'],
      [...this.tables.values()].map((t) => t.tableArn),
    );
    for (const [qid, { queue, deadLetterQueue }] of this.queues) {
      fn.addEnvironment(envName.queueUrl(qid), queue.queueUrl);
      fn.addEnvironment(envName.deadLetterQueueUrl(qid), deadLetterQueue.queueUrl);
    }
    statement(
      ['sqs:GetQueueAttributes'],
      [...this.queues.values()].flatMap((q) => [q.queue.queueArn, q.deadLetterQueue.queueArn]),
    );
    for (const [sid, sm] of this.stateMachines) fn.addEnvironment(envName.stateMachineArn(sid), sm.stateMachineArn);
    statement(
      ['states:DescribeStateMachine'],
      [...this.stateMachines.values()].map((s) => s.stateMachineArn),
    );
    for (const [bid, bucket] of this.buckets) fn.addEnvironment(envName.bucket(bid), bucket.bucketName);
    // HeadBucket is authorised by s3:ListBucket.
    statement(
      ['s3:ListBucket'],
      [...this.buckets.values()].map((b) => b.bucketArn),
    );
  }

  private wireTriggers(scope: Construct, id: string, fn: AnsinhFunction, def: FunctionDef): void {
    for (const [i, trigger] of (def.triggers ?? []).entries()) {
      if (trigger.kind === 'queue') {
        const { queue } = must(this.queues, trigger.queue, 'queue');
        fn.addEventSource(
          new SqsEventSource(queue, {
            batchSize: trigger.batchSize,
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
        new events.Rule(scope, `${id}Schedule${i}`, {
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

  /** The console's CloudFront fronts the API through the API's own domain (its default endpoint disabled). */
  private apiBehindCloudFront(): boolean {
    return !!this.props.webConsole && !!this.props.apiDomain;
  }

  private createApi(): apigw.HttpApi {
    const methods = [...new Set(this.system.routes.map((r) => r.method))];
    const api = new apigw.HttpApi(this, 'Api', {
      apiName: `${this.system.name}-api`,
      description: `${this.system.name} HTTP API`,
      corsPreflight: {
        allowOrigins: this.props.webOrigins,
        allowMethods: methods.map((m) => apigw.CorsHttpMethod[m]),
        allowHeaders: ['authorization', 'content-type'],
        maxAge: Duration.hours(1),
      },
      createDefaultStage: true,
      // Behind the console's CloudFront only: the execute-api URL would bypass its geo restriction and logs.
      ...(this.apiBehindCloudFront() ? { disableExecuteApiEndpoint: true } : {}),
    });
    if (this.apiBehindCloudFront() && this.props.apiDomain) {
      const domain = new apigw.DomainName(this, 'ApiDomain', {
        domainName: this.props.apiDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'ApiCertificate', this.props.apiDomain.certificateArn),
        securityPolicy: apigw.SecurityPolicy.TLS_1_2,
      });
      new apigw.ApiMapping(this, 'ApiMapping', { api, domainName: domain, stage: api.defaultStage as apigw.IStage });
      // The DNS record (CNAME/alias) the domain needs, to the API Gateway regional name.
      new CfnOutput(this, 'ApiDomainTarget', { value: domain.regionalDomainName });
    }

    // The L2 default stage has no access-log or throttling props, so set them on the L1 stage.
    const accessLogs = this.logGroup(this, 'ApiAccessLogs');
    const stage = api.defaultStage?.node.defaultChild as apigw.CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      // Who called what and how it ended; no request or response bodies.
      format: JSON.stringify({
        requestId: '$context.requestId',
        requestTime: '$context.requestTime',
        sourceIp: '$context.identity.sourceIp',
        userAgent: '$context.identity.userAgent',
        subject: '$context.authorizer.claims.sub',
        // The route key, not the path: an officer look-up's path holds a full identity number.
        routeKey: '$context.routeKey',
        status: '$context.status',
        protocol: '$context.protocol',
        responseLength: '$context.responseLength',
        responseLatency: '$context.responseLatency',
        integrationStatus: '$context.integrationStatus',
        integrationLatency: '$context.integrationLatency',
        integrationError: '$context.integrationErrorMessage',
        authorizerError: '$context.authorizer.error',
        error: '$context.error.message',
      }),
    };
    stage.defaultRouteSettings = { throttlingRateLimit: 100, throttlingBurstLimit: 200, detailedMetricsEnabled: true };

    const jwt = new HttpJwtAuthorizer('Oidc', this.props.oidcIssuer, { jwtAudience: [this.props.oidcAudience] });
    for (const r of this.system.routes) {
      const fn = must(this.functions, r.function, 'function');
      const [route] = api.addRoutes({
        path: r.path,
        methods: [apigw.HttpMethod[r.method]],
        integration: new HttpLambdaIntegration(`${r.function}-${r.method}-${r.path}`, fn),
        // The token proves who the caller is; which roles may call the route is checked by the handler,
        // from the same definition.
        authorizer: r.roles === 'public' ? new apigw.HttpNoneAuthorizer() : jwt,
      });
      if (route) this.routes.set(routeKey(r), route);
    }
    return api;
  }

  private createOutputs(): void {
    new CfnOutput(this, 'ApiUrl', {
      value:
        this.apiBehindCloudFront() && this.props.apiDomain
          ? `https://${this.props.apiDomain.domainName}`
          : this.api.apiEndpoint,
      description: 'HTTP API base URL',
    });
    for (const [id, t] of this.tables) new CfnOutput(this, `Table${pascal(id)}Name`, { value: t.tableName });
    for (const [id, q] of this.queues) {
      new CfnOutput(this, `Queue${pascal(id)}Url`, { value: q.queue.queueUrl });
      new CfnOutput(this, `Queue${pascal(id)}DlqUrl`, { value: q.deadLetterQueue.queueUrl });
    }
    for (const [id, b] of this.buckets) new CfnOutput(this, `Bucket${pascal(id)}Name`, { value: b.bucketName });
    for (const [id, sm] of this.stateMachines) {
      new CfnOutput(this, `StateMachine${pascal(id)}Arn`, { value: sm.stateMachineArn });
    }
  }

  /** `arn:…:execution:<state machine name>:*` — every run of one state machine, nothing else. */
  executionsArn(sm: sfn.StateMachine): string {
    return Stack.of(sm).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${sm.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}

function browserUploadCors(rule: BrowserUploadRule, origins: string[]): s3.CorsRule {
  return {
    allowedMethods: rule.methods.map((m) => s3.HttpMethods[m]),
    allowedOrigins: origins,
    allowedHeaders: rule.allowedHeaders,
    exposedHeaders: rule.exposedHeaders,
    maxAge: rule.maxAgeSeconds,
  };
}
