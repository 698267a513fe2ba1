/**
 * The CDK app, synthesized in-process exactly as `cdk synth` does (same context, same cdk-nag plugin):
 * no unacknowledged AWS Solutions finding, and the platform guarantees hold for whatever the definition
 * declares.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { NOT_FINAL_METRIC } from '../../functions/disbursement-cycles/close-task.js';
import { METRICS_NAMESPACE } from '../../infra/cdk/ansinh-function.js';
import { buildApp, REPO_ROOT } from '../../infra/cdk/app.js';
import { aslPlaceholders, type PlatformStack } from '../../infra/cdk/platform-stack.js';
import { system } from '../../infra/system.js';
import { envName, routeKey } from '../../infra/system-model.js';

const TIMEOUT = 180_000;

/**
 * Lambda functions CDK adds on its own. None today: log groups are explicit (no LogRetention function),
 * buckets are retained (no auto-delete function) and nothing uses bucket notifications. Add any new one
 * here, by name and reason, rather than loosening the count.
 */
const CDK_HELPER_FUNCTIONS: string[] = [
  // BucketDeployment (infra/cdk/web-console.ts): copies the built web console into its bucket on deploy.
  'CustomCDKBucketDeployment',
];
const isHelper = (logicalIdOf: string) => CDK_HELPER_FUNCTIONS.some((prefix) => logicalIdOf.startsWith(prefix));

type Resource = { Properties: Record<string, unknown> };

let outdir: string;
let stack: PlatformStack;
let template: Template | undefined;
let synthError: unknown;
let findings: string[];

const logicalId = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);
const resourcesOf = (type: string) => tpl().findResources(type) as Record<string, Resource>;
const tpl = (): Template => {
  if (!template) throw new Error(`no template was synthesized: ${String(synthError)}`);
  return template;
};

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'ansinh-cdk-'));
  const built = buildApp({ outdir });
  stack = built.stack;
  try {
    built.app.synth(); // runs cdk-nag like `cdk synth`: throws on any unacknowledged finding
  } catch (err) {
    synthError = err;
  }
  // The same check, directly, to list each finding and where it is.
  findings = built.nag
    .validateScope(built.app)
    .violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}: ${v.description}`),
    );
  // Validation runs after the templates are written, so a nag failure still leaves a template to check.
  const file = join(outdir, stack.templateFile);
  if (existsSync(file)) template = Template.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
}, TIMEOUT);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cdk-nag (AWS Solutions)', () => {
  it(
    'has no unacknowledged finding and the synth passes validation',
    () => {
      expect(findings).toEqual([]);
      expect(synthError).toBeUndefined();
    },
    TIMEOUT,
  );
});

describe('platform stack', () => {
  it(
    'has one Lambda function per definition entry, plus only the listed CDK helpers',
    () => {
      const functions = resourcesOf('AWS::Lambda::Function');
      expect(Object.keys(functions)).toHaveLength(Object.keys(system.functions).length + CDK_HELPER_FUNCTIONS.length);
      for (const fn of stack.functions.values()) expect(functions).toHaveProperty(logicalId(fn));
    },
    TIMEOUT,
  );

  it(
    'runs every function on nodejs24.x, arm64, with active tracing and its own KMS-encrypted log group',
    () => {
      for (const [id, fn] of Object.entries(resourcesOf('AWS::Lambda::Function'))) {
        // CDK's helpers bring their own runtime; they still log to their own KMS-encrypted log group.
        if (isHelper(id)) {
          expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: expect.any(String) } });
          continue;
        }
        expect({ id, ...fn.Properties }).toMatchObject({
          id,
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        });
      }
      const logGroups = Object.values(resourcesOf('AWS::Logs::LogGroup'));
      expect(logGroups.length).toBeGreaterThanOrEqual(Object.keys(system.functions).length);
      for (const lg of logGroups) {
        // Decree 53/2022: system logs kept at least 12 months.
        expect(lg.Properties.RetentionInDays).toBeGreaterThanOrEqual(365);
        expect(lg.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [logicalId(stack.key), 'Arn'] });
      }
    },
    TIMEOUT,
  );

  it(
    'gives each function the environment its uses name',
    () => {
      for (const [id, def] of Object.entries(system.functions)) {
        const vars = new Set<string>(['ANSINH_OIDC_ISSUER', 'ANSINH_OIDC_AUDIENCE', 'POWERTOOLS_SERVICE_NAME']);
        const uses = def.uses ?? {};
        const all = uses.describeAll;
        for (const t of all ? Object.keys(system.tables) : Object.keys(uses.tables ?? {})) vars.add(envName.table(t));
        for (const q of all ? Object.keys(system.queues) : Object.keys(uses.queues ?? {})) {
          vars.add(envName.queueUrl(q));
          vars.add(envName.deadLetterQueueUrl(q));
        }
        for (const s of all ? Object.keys(system.stateMachines) : Object.keys(uses.stateMachines ?? {})) {
          vars.add(envName.stateMachineArn(s));
        }
        for (const b of all ? Object.keys(system.buckets) : Object.keys(uses.buckets ?? {}))
          vars.add(envName.bucket(b));

        const fn = resourcesOf('AWS::Lambda::Function')[logicalId(must(stack.functions.get(id)))];
        const env = (must(fn).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        expect({ id, vars: [...vars].filter((v) => !(v in env)) }).toEqual({ id, vars: [] });
        expect(env.POWERTOOLS_SERVICE_NAME).toBe(id);
      }
    },
    TIMEOUT,
  );

  it(
    'grants read-only table access without any write action',
    () => {
      const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
      for (const [id, def] of Object.entries(system.functions)) {
        const access = Object.values(def.uses?.tables ?? {});
        if (!access.length || access.includes('readWrite')) continue;
        const actions = policyActions(id);
        expect({ id, writes: writes.filter((a) => actions.includes(a)) }).toEqual({ id, writes: [] });
      }
      // describeAll is describe-only: no data read either.
      for (const [id, def] of Object.entries(system.functions)) {
        if (!def.uses?.describeAll || def.uses.tables) continue;
        expect(policyActions(id).filter((a) => a.startsWith('dynamodb:'))).toEqual(['dynamodb:DescribeTable']);
      }
    },
    TIMEOUT,
  );

  it(
    'lets the cycle recovery sweep start the disbursement machine and describe its runs, nothing else of Step Functions',
    () => {
      const role = must(must(stack.functions.get('recoverCycles')).role);
      const roleId = logicalId(role as unknown as { node: { defaultChild?: unknown } });
      const statements = Object.values(resourcesOf('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
        .flatMap(
          (p) =>
            (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
              .Statement,
        )
        .map((st) => ({ actions: [st.Action].flat(), resource: st.Resource }))
        .filter((st) => st.actions.some((a) => a.startsWith('states:')));
      const sm = must(stack.stateMachines.get('disbursement'));
      expect(statements).toEqual(
        expect.arrayContaining([
          { actions: ['states:StartExecution'], resource: stack.resolve(sm.stateMachineArn) },
          { actions: ['states:DescribeExecution'], resource: stack.resolve(stack.executionsArn(sm)) },
        ]),
      );
      expect(statements).toHaveLength(2);
    },
    TIMEOUT,
  );

  it(
    'has one table per definition entry, each with PITR, the platform KMS key and deletion protection',
    () => {
      const tables = resourcesOf('AWS::DynamoDB::GlobalTable');
      expect(Object.keys(tables)).toHaveLength(Object.keys(system.tables).length);
      expect(Object.keys(resourcesOf('AWS::DynamoDB::Table'))).toHaveLength(0);
      for (const table of Object.values(tables)) {
        expect(table.Properties).toMatchObject({
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        });
        for (const replica of table.Properties.Replicas as Record<string, unknown>[]) {
          expect(replica).toMatchObject({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [logicalId(stack.key), 'Arn'] } },
            DeletionProtectionEnabled: true,
          });
        }
      }
      tpl().allResources('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    },
    TIMEOUT,
  );

  it(
    'declares each index with the projection its definition names (INCLUDE lists exactly its attributes)',
    () => {
      const projections = Object.values(resourcesOf('AWS::DynamoDB::GlobalTable')).flatMap((t) =>
        ((t.Properties.GlobalSecondaryIndexes ?? []) as { Projection: unknown }[]).map((ix) => ix.Projection),
      );
      for (const def of Object.values(system.tables)) {
        for (const ix of def.indexes ?? []) {
          const p = ix.projection ?? 'ALL';
          const expected =
            typeof p === 'object' ? { ProjectionType: 'INCLUDE', NonKeyAttributes: p.include } : { ProjectionType: p };
          expect(projections).toContainEqual(expected);
        }
      }
      expect(projections).toHaveLength(Object.values(system.tables).reduce((n, t) => n + (t.indexes?.length ?? 0), 0));
    },
    TIMEOUT,
  );

  it(
    'has a queue and a dead-letter queue per definition entry, redriven after maxReceiveCount, KMS-encrypted',
    () => {
      const queues = resourcesOf('AWS::SQS::Queue');
      expect(Object.keys(queues)).toHaveLength(2 * Object.keys(system.queues).length);
      for (const [id, def] of Object.entries(system.queues)) {
        const { queue, deadLetterQueue } = must(stack.queues.get(id));
        expect(queues[logicalId(queue)]?.Properties).toMatchObject({
          VisibilityTimeout: def.visibilityTimeoutSeconds,
          RedrivePolicy: {
            deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(deadLetterQueue), 'Arn'] },
            maxReceiveCount: def.maxReceiveCount,
          },
        });
        expect(queues[logicalId(deadLetterQueue)]?.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      }
      for (const q of Object.values(queues)) {
        expect(q.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [logicalId(stack.key), 'Arn'] });
      }
      // One "dead letters waiting" alarm per dead-letter queue.
      const alarms = Object.values(resourcesOf('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
      const dlqAlarms = alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible');
      expect(dlqAlarms).toHaveLength(Object.keys(system.queues).length);
      for (const a of dlqAlarms) expect(a).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    },
    TIMEOUT,
  );

  it(
    'alarms on the metrics functions declare, and on payments a cycle closes without a final answer',
    () => {
      const declared = Object.entries(system.functions).flatMap(([id, def]) =>
        (def.alarms ?? []).map((a) => ({ id, ...a })),
      );
      const alarms = Object.values(resourcesOf('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
      // Nothing but the dead-letter alarms and the declared ones.
      expect(alarms).toHaveLength(Object.keys(system.queues).length + declared.length);
      for (const a of declared) {
        tpl().hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: METRICS_NAMESPACE,
          MetricName: a.metric,
          Dimensions: [{ Name: 'service', Value: a.id }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: a.threshold,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          TreatMissingData: 'notBreaching',
        });
      }
      // The close step publishes exactly the metric its alarm watches, and the alarm fires on the first one.
      expect(declared).toContainEqual(
        expect.objectContaining({ id: 'closeCycle', metric: NOT_FINAL_METRIC, threshold: 0 }),
      );
    },
    TIMEOUT,
  );

  it(
    'wires triggers: SQS event sources with partial batch failures, schedules at the declared rate',
    () => {
      for (const [id, def] of Object.entries(system.functions)) {
        const fn = { Ref: logicalId(must(stack.functions.get(id))) };
        for (const t of def.triggers ?? []) {
          if (t.kind === 'queue') {
            tpl().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
              FunctionName: fn,
              EventSourceArn: { 'Fn::GetAtt': [logicalId(must(stack.queues.get(t.queue)).queue), 'Arn'] },
              BatchSize: t.batchSize,
              FunctionResponseTypes: ['ReportBatchItemFailures'],
            });
          } else {
            tpl().hasResourceProperties('AWS::Events::Rule', {
              ScheduleExpression: `rate(${t.rate.minutes} minute${t.rate.minutes === 1 ? '' : 's'})`,
              Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn.Ref, 'Arn'] } })],
            });
          }
        }
      }
    },
    TIMEOUT,
  );

  it(
    'protects every route but the public ones with the JWT authorizer',
    () => {
      const routes = resourcesOf('AWS::ApiGatewayV2::Route');
      expect(Object.keys(routes)).toHaveLength(system.routes.length);
      for (const r of system.routes) {
        const route = routes[logicalId(must(stack.routes.get(routeKey(r))))];
        expect(route?.Properties.RouteKey).toBe(routeKey(r));
        if (r.roles === 'public') expect(route?.Properties.AuthorizationType).toBe('NONE');
        else expect(route?.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: expect.anything() });
      }
      tpl().hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
        DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      });
    },
    TIMEOUT,
  );

  it(
    'has one state machine per definition entry whose substitutions cover every ASL placeholder',
    () => {
      const machines = resourcesOf('AWS::StepFunctions::StateMachine');
      expect(Object.keys(machines)).toHaveLength(Object.keys(system.stateMachines).length);
      for (const [id, def] of Object.entries(system.stateMachines)) {
        const sm = machines[logicalId(must(stack.stateMachines.get(id)))];
        const asl = readFileSync(join(REPO_ROOT, def.definitionFile), 'utf8');
        const placeholders = aslPlaceholders(asl);
        expect(placeholders.length).toBeGreaterThan(0);
        const substitutions = sm?.Properties.DefinitionSubstitutions as Record<string, unknown>;
        expect(Object.keys(substitutions).sort()).toEqual([...placeholders].sort());
        for (const [name, fid] of Object.entries(def.functions)) {
          expect(substitutions[name]).toEqual({ 'Fn::GetAtt': [logicalId(must(stack.functions.get(fid))), 'Arn'] });
        }
        expect(sm?.Properties).toMatchObject({
          StateMachineType: 'STANDARD',
          TracingConfiguration: { Enabled: true },
          LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
        });
      }
    },
    TIMEOUT,
  );
});

describe('web console (static site)', () => {
  it(
    'is served by CloudFront from a private KMS-encrypted bucket through OAC, with /v1/* on the API, logs and headers',
    () => {
      const site = must(stack.webConsole);
      const bucket = resourcesOf('AWS::S3::Bucket')[logicalId(site.bucket)];
      expect(bucket?.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': [logicalId(site.key), 'Arn'] },
              },
            },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack.accessLogBucket) } },
      });
      expect(Object.keys(resourcesOf('AWS::CloudFront::OriginAccessControl'))).toHaveLength(1);
      const dist = resourcesOf('AWS::CloudFront::Distribution')[logicalId(site.distribution)];
      const config = dist?.Properties.DistributionConfig as Record<string, any>;
      expect(config).toMatchObject({
        DefaultRootObject: 'index.html',
        Logging: { Bucket: { 'Fn::GetAtt': [logicalId(site.logBucket), 'RegionalDomainName'] } },
        Restrictions: { GeoRestriction: { RestrictionType: 'whitelist', Locations: ['VN'] } },
        DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https' },
        CacheBehaviors: [{ PathPattern: '/v1/*', ViewerProtocolPolicy: 'https-only' }],
      });
      const s3Origin = config.Origins.find((o: any) => o.S3OriginConfig);
      expect(s3Origin.OriginAccessControlId).toBeDefined();
      const apiOrigin = config.Origins.find((o: any) => o.CustomOriginConfig);
      expect(apiOrigin.CustomOriginConfig).toMatchObject({
        OriginProtocolPolicy: 'https-only',
        OriginSSLProtocols: ['TLSv1.2'],
      });
      const [headers] = Object.values(resourcesOf('AWS::CloudFront::ResponseHeadersPolicy'));
      expect(JSON.stringify(headers?.Properties)).toContain("default-src 'self'");
      // Only CloudFront, and only through this distribution, may read the site with its key (OAC).
      tpl().hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(site.bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' }),
          ]),
        },
      });
      tpl().resourceCountIs('Custom::CDKBucketDeployment', 1);
    },
    TIMEOUT,
  );
});

describe('browser uploads', () => {
  it(
    'the uploads bucket lets the console origin (and the configured origins) PUT, and the console CSP allows it',
    () => {
      const site = must(stack.webConsole);
      const uploads = resourcesOf('AWS::S3::Bucket')[logicalId(must(stack.buckets.get('uploads')))];
      const rules = (must(uploads).Properties.CorsConfiguration as { CorsRules: Record<string, any>[] }).CorsRules;
      expect(rules.map((r) => r.AllowedMethods)).toEqual([['PUT'], ['PUT']]);
      expect(rules[0]?.AllowedOrigins).toEqual(['https://localhost']);
      // The distribution's own domain, resolved at deploy time.
      expect(JSON.stringify(rules[1]?.AllowedOrigins)).toContain(logicalId(site.distribution));
      expect(rules[1]).toMatchObject({ AllowedHeaders: ['Content-Type', 'Content-MD5', 'x-amz-*'], MaxAge: 3000 });
      const [headers] = Object.values(resourcesOf('AWS::CloudFront::ResponseHeadersPolicy'));
      const csp = JSON.stringify(headers?.Properties);
      expect(csp).toContain('connect-src');
      expect(csp).toContain('ansinh-uploads-');
      expect(uploads?.Properties.BucketName).toEqual({
        'Fn::Join': ['', ['ansinh-uploads-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]],
      });
    },
    TIMEOUT,
  );
});

function must<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('missing construct');
  return v;
}

/** Every action the function's role policy allows. */
function policyActions(functionId: string): string[] {
  const role = must(stack.functions.get(functionId)).role;
  const roleId = logicalId(must(role) as unknown as { node: { defaultChild?: unknown } });
  return Object.values(resourcesOf('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}
