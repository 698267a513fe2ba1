/**
 * The platform, built by walking the system definition (infra/system.ts): a root stack holding what everything
 * shares — the KMS key, the S3 access-log bucket, tables, queues, buckets, the HTTP API with its authorizer and
 * access logs, the web console, the alarm topic and the dashboards — and one nested stack per capability
 * (infra/cdk/capability-stack.ts) holding its functions, state machines and routes. One stack would pass
 * CloudFormation's 500-resource limit; why nested stacks: docs/deployment.md.
 */
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type {
  BrowserUploadRule,
  BucketDef,
  FlowId,
  KeyAttribute,
  PlatformSetting,
  QueueDef,
  SystemDef,
  TableDef,
} from '../system-model.js';
import type { AnsinhFunction } from './ansinh-function.js';
import { CapabilityStack, capabilityOf, LOG_RETENTION, pascal } from './capability-stack.js';
import { alarmName, createAlarmTopic, createDashboards } from './operations.js';
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
  /** Addresses the alarm topic mails (each confirms its subscription once). */
  alarmEmails?: string[];
}

export interface PlatformQueue {
  queue: sqs.Queue;
  deadLetterQueue: sqs.Queue;
}

const attribute = (k: KeyAttribute): dynamodb.Attribute => ({
  name: k.name,
  type: k.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});
const fnDefs = (sys: SystemDef) => new Map(Object.entries(sys.functions));
const must = <T>(map: Map<string, T>, id: string, kind: string): T => {
  const v = map.get(id);
  if (!v) throw new Error(`unknown ${kind} ${id}`);
  return v;
};

export class PlatformStack extends Stack {
  readonly system: SystemDef;
  /** Customer-managed key for every table, queue, bucket, topic and log group of the platform. */
  readonly key: kms.Key;
  readonly accessLogBucket: s3.Bucket;
  readonly tables = new Map<string, dynamodb.TableV2>();
  readonly queues = new Map<string, PlatformQueue>();
  readonly buckets = new Map<string, s3.Bucket>();
  /** One nested stack per capability (functions/<capability>/), by capability. */
  readonly capabilities = new Map<string, CapabilityStack>();
  /** Every function, state machine and route of the definition, whichever capability stack holds it. */
  readonly functions = new Map<string, AnsinhFunction>();
  readonly stateMachines = new Map<string, sfn.StateMachine>();
  readonly routes = new Map<string, apigw.HttpRoute>();
  readonly api: apigw.HttpApi;
  readonly authorizer: apigw.HttpAuthorizer;
  /** Every alarm notifies it (infra/cdk/operations.ts); docs/runbook.md says what to do. */
  readonly alarmTopic: sns.Topic;
  /** Every alarm of the platform, by name. */
  readonly alarms = new Map<string, cloudwatch.Alarm>();
  readonly dashboards: Map<FlowId | 'api', cloudwatch.Dashboard>;
  readonly webConsole?: WebConsole;

  private readonly props: PlatformStackProps;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    this.props = props;
    this.system = props.system;
    const sys = props.system;

    this.key = this.createKey();
    this.alarmTopic = createAlarmTopic(this, this.key, sys, props.alarmEmails ?? []);
    this.accessLogBucket = this.createAccessLogBucket();

    const tables = new Construct(this, 'Tables');
    for (const [tid, def] of Object.entries(sys.tables)) this.tables.set(tid, this.createTable(tables, tid, def));
    const queues = new Construct(this, 'Queues');
    for (const [qid, def] of Object.entries(sys.queues)) this.queues.set(qid, this.createQueue(queues, qid, def));
    const buckets = new Construct(this, 'Buckets');
    for (const [bid, def] of Object.entries(sys.buckets)) this.buckets.set(bid, this.createBucket(buckets, bid, def));

    this.api = this.createApi();
    this.authorizer = new apigw.HttpAuthorizer(this, 'Oidc', {
      httpApi: this.api,
      type: apigw.HttpAuthorizerType.JWT,
      identitySource: ['$request.header.Authorization'],
      jwtIssuer: props.oidcIssuer,
      jwtAudience: [props.oidcAudience],
    });

    // A function may not use a state machine it is a task of: that would be a circular reference in
    // CloudFormation. Across capabilities, the same holds between their stacks (checked after the build).
    this.checkNoCycles(sys);
    this.createCapabilities();

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
    this.dashboards = createDashboards(this, {
      system: sys,
      functions: this.functions,
      queues: this.queues,
      stateMachines: this.stateMachines,
      api: this.api,
      alarms: this.alarms,
    });
    this.createOutputs();
  }

  /**
   * One nested stack per folder of functions/: its functions, the state machines whose tasks they are, the
   * routes they serve. Each receives the shared resources it uses as parameters.
   */
  private createCapabilities(): void {
    const sys = this.system;
    const functionsOf = new Map<string, string[]>();
    for (const [fid, def] of Object.entries(sys.functions)) {
      const cap = capabilityOf(def);
      functionsOf.set(cap, [...(functionsOf.get(cap) ?? []), fid]);
    }
    // A state machine lives with its tasks: they must all be of one capability.
    const machinesOf = new Map<string, string[]>();
    const ownerOf = new Map<string, string>();
    for (const [sid, def] of Object.entries(sys.stateMachines)) {
      const caps = [
        ...new Set(Object.values(def.functions).map((fid) => capabilityOf(must(fnDefs(sys), fid, 'function')))),
      ];
      if (caps.length !== 1) {
        throw new Error(
          `state machine ${sid}: its tasks are in several capabilities (${caps.join(', ')}); keep them in one`,
        );
      }
      const cap = caps[0] as string;
      machinesOf.set(cap, [...(machinesOf.get(cap) ?? []), sid]);
      ownerOf.set(sid, cap);
    }
    const shared = {
      system: sys,
      repoRoot: this.props.repoRoot,
      platformName: this.stackName,
      keyArn: this.key.keyArn,
      table: (id: string) => {
        return { tableArn: must(this.tables, id, 'table').tableArn };
      },
      queue: (id: string) => {
        const q = must(this.queues, id, 'queue');
        return {
          queueArn: q.queue.queueArn,
          queueUrl: q.queue.queueUrl,
          dlqArn: q.deadLetterQueue.queueArn,
          dlqUrl: q.deadLetterQueue.queueUrl,
        };
      },
      bucket: (id: string) => {
        const b = must(this.buckets, id, 'bucket');
        return { bucketArn: b.bucketArn, bucketName: b.bucketName };
      },
      stateMachineArn: (id: string, consumer: CapabilityStack) => {
        const producer = must(this.capabilities, must(ownerOf, id, 'state machine'), 'capability');
        consumer.needs.add(producer.capability);
        const resource = producer.nestedStackResource;
        if (!resource) throw new Error(`capability ${producer.capability} has no stack resource`);
        return Token.asString(resource.getAtt(`Outputs.StateMachine${pascal(id)}Arn`));
      },
      apiId: this.api.apiId,
      authorizerId: this.authorizer.authorizerId,
      alarmTopicArn: this.alarmTopic.topicArn,
      oidcIssuer: this.props.oidcIssuer,
      oidcAudience: this.props.oidcAudience,
      settings: this.props.settings,
    };
    for (const cap of functionsOf.keys()) {
      this.capabilities.set(cap, new CapabilityStack(this, pascal(cap), cap, shared));
    }
    for (const [cap, fids] of functionsOf) {
      const stack = must(this.capabilities, cap, 'capability');
      const routes = sys.routes.filter((r) => fids.includes(r.function));
      stack.build(fids, machinesOf.get(cap) ?? [], routes);
      for (const [fid, fn] of stack.functions) this.functions.set(fid, fn);
      for (const [sid, sm] of stack.stateMachines) this.stateMachines.set(sid, sm);
      for (const [key, route] of stack.routes) this.routes.set(key, route);
      for (const [name, alarm] of stack.alarms) this.alarms.set(name, alarm);
    }
    this.checkNoStackCycles();
  }

  /** Two capabilities using each other's state machines would need each other's stack first. */
  private checkNoStackCycles(): void {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (cap: string, path: string[]) => {
      if (done.has(cap)) return;
      if (visiting.has(cap)) {
        throw new Error(
          `capability stacks depend on each other: ${[...path, cap].join(' → ')}. A function uses a state ` +
            'machine of a capability that uses one of its own: move one of them (docs/deployment.md).',
        );
      }
      visiting.add(cap);
      for (const next of must(this.capabilities, cap, 'capability').needs) visit(next, [...path, cap]);
      visiting.delete(cap);
      done.add(cap);
    };
    for (const cap of this.capabilities.keys()) visit(cap, []);
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
    const name = alarmName.deadLetters(this.system, id);
    const alarm = deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(scope, `${id}-dlq-not-empty`, {
        alarmName: name,
        alarmDescription: `${id}: messages in the dead-letter queue (${def.description}). Runbook: docs/runbook.md`,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    alarm.addOkAction(new SnsAction(this.alarmTopic));
    this.alarms.set(name, alarm);
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
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topicArn,
      description: 'Every alarm notifies this topic: subscribe the on-call (docs/runbook.md)',
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
