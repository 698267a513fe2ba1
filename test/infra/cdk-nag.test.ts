/**
 * The CDK app, synthesized in-process exactly as `cdk synth` does (same context, same cdk-nag plugin):
 * no unacknowledged AWS Solutions finding, and the platform guarantees hold for whatever the definition
 * declares.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type CfnElement, Names, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { NOT_FINAL_METRIC } from '../../functions/disbursement-cycles/close-task.js';
import { METRICS_NAMESPACE } from '../../infra/cdk/ansinh-function.js';
import { buildApp, REPO_ROOT } from '../../infra/cdk/app.js';
import { aslPlaceholders, type CapabilityStack } from '../../infra/cdk/capability-stack.js';
import { flowsOf } from '../../infra/cdk/flows.js';
import { alarmName, dashboardName } from '../../infra/cdk/operations.js';
import type { PlatformStack } from '../../infra/cdk/platform-stack.js';
import { system } from '../../infra/system.js';
import { envName, FLOWS, routeKey } from '../../infra/system-model.js';

const TIMEOUT = 180_000;
/** CloudFormation refuses more than 500 resources and 1 MB per template: stop well before, as the platform grows. */
const MAX_RESOURCES = 400;
const MAX_TEMPLATE_BYTES = 800 * 1024;
/** Of CloudFormation's 200 parameters (and outputs) per stack. */
const MAX_PARAMETERS = 150;

/**
 * Lambda functions CDK adds on its own. None today: log groups are explicit (no LogRetention function),
 * buckets are retained (no auto-delete function) and nothing uses bucket notifications. Add any new one
 * here, by name and reason, rather than loosening the count.
 */
const CDK_HELPER_FUNCTIONS: string[] = [
  // BucketDeployment (infra/cdk/web-console.ts): copies the built web console into its bucket on deploy.
  'CustomCDKBucketDeployment',
];
const isHelper = (id: string) => CDK_HELPER_FUNCTIONS.some((prefix) => logicalPart(id).startsWith(prefix));

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

let outdir: string;
let stack: PlatformStack;
/** Every stack's template (the root and each capability's nested stack), by stack path. */
const templates = new Map<string, { stack: Stack; file: string; template: Template }>();
let synthError: unknown;
let findings: string[];

/** Resources are named `<stack path>/<logical id>` across templates: a logical id is unique in its template only. */
const logicalPart = (id: string) => id.slice(id.lastIndexOf('/') + 1);
const logicalId = (c: { node: { defaultChild?: unknown } }) => {
  const el = c.node.defaultChild as CfnElement;
  const owner = Stack.of(el);
  return `${owner.node.path}/${owner.getLogicalId(el)}`;
};
const tplOf = (owner: Stack): Template => {
  const t = templates.get(owner.node.path);
  if (!t) throw new Error(`no template was synthesized for ${owner.node.path}: ${String(synthError)}`);
  return t.template;
};
const tpl = (): Template => tplOf(stack);
const resourcesOf = (type: string): Record<string, Resource> =>
  Object.fromEntries(
    [...templates.entries()].flatMap(([path, t]) =>
      Object.entries(t.template.findResources(type) as Record<string, Resource>).map(([id, r]) => [`${path}/${id}`, r]),
    ),
  );
/** The platform key as a template names it: the root's own key, a capability's parameter. */
const keyArnIn = (resourceId: string) =>
  resourceId.startsWith(`${stack.node.path}/`) && resourceId.split('/').length === 2
    ? { 'Fn::GetAtt': [logicalPart(logicalId(stack.key)), 'Arn'] }
    : { Ref: 'PlatformKeyArn' };
/** The parameters the root gives a capability's nested stack. */
const paramsOf = (cap: CapabilityStack): Record<string, unknown> => {
  const resource = must(cap.nestedStackResource);
  return (tpl().toJSON().Resources[stack.getLogicalId(resource)]?.Properties?.Parameters ?? {}) as Record<
    string,
    unknown
  >;
};
const capabilityOfFn = (id: string): CapabilityStack =>
  must([...stack.capabilities.values()].find((c) => c.functions.has(id)));

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
  // Validation runs after the templates are written, so a nag failure still leaves templates to check.
  for (const s of [stack, ...stack.capabilities.values()]) {
    const file = join(outdir, s.templateFile);
    if (existsSync(file)) {
      templates.set(s.node.path, {
        stack: s,
        file,
        template: Template.fromJSON(JSON.parse(readFileSync(file, 'utf8'))),
      });
    }
  }
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
      const logGroups = Object.entries(resourcesOf('AWS::Logs::LogGroup'));
      expect(logGroups.length).toBeGreaterThanOrEqual(Object.keys(system.functions).length);
      for (const [id, lg] of logGroups) {
        // Decree 53/2022: system logs kept at least 12 months.
        expect(lg.Properties.RetentionInDays).toBeGreaterThanOrEqual(365);
        expect({ id, key: lg.Properties.KmsKeyId }).toEqual({ id, key: keyArnIn(id) });
      }
      // Each capability receives the platform key from the root, not a copy of its own.
      for (const cap of stack.capabilities.values()) {
        const params = paramsOf(cap);
        if ('PlatformKeyArn' in params) {
          expect(params.PlatformKeyArn).toEqual({ 'Fn::GetAtt': [logicalPart(logicalId(stack.key)), 'Arn'] });
        }
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
      const roleId = logicalPart(logicalId(role as unknown as { node: { defaultChild?: unknown } }));
      const cap = capabilityOfFn('recoverCycles');
      const statements = Object.values(tplOf(cap).findResources('AWS::IAM::Policy') as Record<string, Resource>)
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
          { actions: ['states:StartExecution'], resource: cap.resolve(sm.stateMachineArn) },
          { actions: ['states:DescribeExecution'], resource: cap.resolve(cap.executionsArn(sm)) },
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
            SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [logicalPart(logicalId(stack.key)), 'Arn'] } },
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
            deadLetterTargetArn: { 'Fn::GetAtt': [logicalPart(logicalId(deadLetterQueue)), 'Arn'] },
            maxReceiveCount: def.maxReceiveCount,
          },
        });
        expect(queues[logicalId(deadLetterQueue)]?.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      }
      for (const q of Object.values(queues)) {
        expect(q.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [logicalPart(logicalId(stack.key)), 'Arn'] });
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
        tplOf(capabilityOfFn(a.id)).hasResourceProperties('AWS::CloudWatch::Alarm', {
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
        const fn = { Ref: logicalPart(logicalId(must(stack.functions.get(id)))) };
        const cap = capabilityOfFn(id);
        for (const t of def.triggers ?? []) {
          if (t.kind === 'queue') {
            // The queue is the root's, passed to the capability as a parameter.
            const queueArn = cap.resolve(must(cap.imported.queues.get(t.queue)).queue.queueArn);
            expect(queueArn).toEqual({ Ref: expect.stringMatching(/^Queue\w+Arn$/) });
            expect(paramsOf(cap)[queueArn.Ref]).toEqual({
              'Fn::GetAtt': [logicalPart(logicalId(must(stack.queues.get(t.queue)).queue)), 'Arn'],
            });
            tplOf(cap).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
              FunctionName: fn,
              EventSourceArn: queueArn,
              BatchSize: t.batchSize,
              FunctionResponseTypes: ['ReportBatchItemFailures'],
              ...(t.maxConcurrency ? { ScalingConfig: { MaximumConcurrency: t.maxConcurrency } } : {}),
            });
          } else {
            tplOf(cap).hasResourceProperties('AWS::Events::Rule', {
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
          // The state machine lives with its tasks: a reference within one template.
          expect(substitutions[name]).toEqual({
            'Fn::GetAtt': [logicalPart(logicalId(must(stack.functions.get(fid)))), 'Arn'],
          });
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

describe('deployment split (one nested stack per capability)', () => {
  it(
    `keeps every stack under ${MAX_RESOURCES} resources and ${MAX_TEMPLATE_BYTES / 1024} KB of template`,
    () => {
      // The root and one stack per folder of functions/, each synthesized.
      const capabilities = new Set(Object.values(system.functions).map((f) => f.entry.split('/')[1]));
      expect(templates.size).toBe(1 + capabilities.size);
      const sizes = [...templates.values()].map(({ stack: s, file, template }) => ({
        stack: s.node.path,
        resources: Object.keys(template.toJSON().Resources).length,
        bytes: statSync(file).size,
        parameters: Object.keys(template.toJSON().Parameters ?? {}).length,
        outputs: Object.keys(template.toJSON().Outputs ?? {}).length,
      }));
      const over = sizes.filter((x) => x.resources > MAX_RESOURCES || x.bytes > MAX_TEMPLATE_BYTES);
      expect(over).toEqual([]);
      // Sharing by parameter has its own CloudFormation limits: 200 parameters and 200 outputs per stack.
      expect(sizes.filter((x) => x.parameters > MAX_PARAMETERS || x.outputs > MAX_PARAMETERS)).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'keeps the data (key, tables, queues, buckets) and the API in the root stack, shared by parameter',
    () => {
      const root = tpl();
      root.resourceCountIs('AWS::DynamoDB::GlobalTable', Object.keys(system.tables).length);
      root.resourceCountIs('AWS::SQS::Queue', 2 * Object.keys(system.queues).length);
      root.resourceCountIs('AWS::KMS::Key', 2); // the platform key and the console site's own
      root.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      root.resourceCountIs('AWS::CloudFormation::Stack', stack.capabilities.size);
      for (const cap of stack.capabilities.values()) {
        const own = tplOf(cap).toJSON().Resources as Record<string, Resource>;
        const types = new Set(Object.values(own).map((r) => r.Type));
        for (const shared of ['AWS::DynamoDB::GlobalTable', 'AWS::SQS::Queue', 'AWS::KMS::Key', 'AWS::S3::Bucket']) {
          expect({ stack: cap.capability, shared, declared: types.has(shared) }).toEqual({
            stack: cap.capability,
            shared,
            declared: false,
          });
        }
      }
    },
    TIMEOUT,
  );
});

describe('operations', () => {
  it(
    'notifies the KMS-encrypted alarm topic from every alarm of every stack, on alarm and back to OK',
    () => {
      const topicId = logicalPart(logicalId(stack.alarmTopic));
      tpl().hasResourceProperties('AWS::SNS::Topic', {
        KmsMasterKeyId: { 'Fn::GetAtt': [logicalPart(logicalId(stack.key)), 'Arn'] },
      });
      const alarms = Object.entries(resourcesOf('AWS::CloudWatch::Alarm'));
      expect(alarms.length).toBeGreaterThanOrEqual(Object.keys(system.queues).length);
      for (const [id, alarm] of alarms) {
        const inRoot = id.split('/').length === 2;
        const topic = inRoot ? { Ref: topicId } : { Ref: 'AlarmTopicArn' };
        expect({ id, actions: alarm.Properties.AlarmActions, ok: alarm.Properties.OKActions }).toEqual({
          id,
          actions: [topic],
          ok: [topic],
        });
      }
      // A capability's AlarmTopicArn parameter is the root's topic.
      for (const cap of stack.capabilities.values()) {
        if (!cap.alarms.size) continue;
        expect(paramsOf(cap).AlarmTopicArn).toEqual({ Ref: topicId });
      }
      // CloudWatch may publish to the topic and use the key for it, for this account's alarms only.
      tpl().hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': Match.anyValue() } }),
            }),
          ]),
        },
      });
      tpl().hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      });
    },
    TIMEOUT,
  );

  it(
    'names each alarm as the runbook does: one per dead-letter queue and one per declared function alarm',
    () => {
      const names = Object.values(resourcesOf('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName);
      const expected = [
        ...Object.keys(system.queues).map((q) => alarmName.deadLetters(system, q)),
        ...Object.entries(system.functions).flatMap(([id, def]) =>
          (def.alarms ?? []).map((a) => alarmName.functionMetric(system, id, a.metric)),
        ),
      ];
      expect([...names].sort()).toEqual([...expected].sort());
    },
    TIMEOUT,
  );

  it(
    'has a dashboard per flow and one for the API, each showing what the definition puts in it',
    () => {
      const dashboards = Object.values(resourcesOf('AWS::CloudWatch::Dashboard'));
      const byName = new Map(dashboards.map((d) => [d.Properties.DashboardName as string, JSON.stringify(d)]));
      expect([...byName.keys()].sort()).toEqual([...FLOWS, 'api' as const].map((v) => dashboardName(system, v)).sort());
      const views = flowsOf(system);
      for (const flow of FLOWS) {
        const body = must(byName.get(dashboardName(system, flow)));
        const view = views[flow];
        expect(view.functions.length).toBeGreaterThan(0);
        const missing = [
          ...view.functions.filter((fid) => !body.includes(`\\"label\\":\\"${fid}\\"`)),
          ...view.queues.filter((q) => !body.includes(`Queue ${q}:`)),
          ...view.stateMachines.filter((sm) => !body.includes(`State machine ${sm}:`)),
          // The alarm status widget holds the flow's alarms.
          ...[
            ...view.queues.map((q) => alarmName.deadLetters(system, q)),
            ...view.functionAlarms.map((a) => alarmName.functionMetric(system, a.functionId, a.metric)),
          ].filter((name) => {
            // A root alarm by its logical id, a capability's through its nested stack output (named by its path).
            const alarm = must(stack.alarms.get(name));
            const resource = alarm.node.defaultChild as CfnElement;
            return !body.includes(logicalPart(logicalId(alarm))) && !body.includes(Names.nodeUniqueId(resource.node));
          }),
        ];
        expect({ flow, missing }).toEqual({ flow, missing: [] });
      }
      const api = must(byName.get(dashboardName(system, 'api')));
      const routed = [...new Set(system.routes.map((r) => r.function))];
      expect(routed.filter((fid) => !api.includes(`\\"label\\":\\"${fid}\\"`))).toEqual([]);
      // Every function of the definition is on some dashboard.
      const shown = new Set([...Object.values(views).flatMap((v) => v.functions), ...routed]);
      expect(Object.keys(system.functions).filter((fid) => !shown.has(fid))).toEqual([]);
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
                KMSMasterKeyID: { 'Fn::GetAtt': [logicalPart(logicalId(site.key)), 'Arn'] },
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
        LoggingConfiguration: { DestinationBucketName: { Ref: logicalPart(logicalId(stack.accessLogBucket)) } },
      });
      expect(Object.keys(resourcesOf('AWS::CloudFront::OriginAccessControl'))).toHaveLength(1);
      const dist = resourcesOf('AWS::CloudFront::Distribution')[logicalId(site.distribution)];
      const config = dist?.Properties.DistributionConfig as Record<string, any>;
      expect(config).toMatchObject({
        DefaultRootObject: 'index.html',
        Logging: { Bucket: { 'Fn::GetAtt': [logicalPart(logicalId(site.logBucket)), 'RegionalDomainName'] } },
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
        Bucket: { Ref: logicalPart(logicalId(site.bucket)) },
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
      expect(JSON.stringify(rules[1]?.AllowedOrigins)).toContain(logicalPart(logicalId(site.distribution)));
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
  const roleId = logicalPart(logicalId(must(role) as unknown as { node: { defaultChild?: unknown } }));
  return Object.values(tplOf(capabilityOfFn(functionId)).findResources('AWS::IAM::Policy') as Record<string, Resource>)
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}
