/**
 * Operations: the alarm topic every alarm notifies, and one CloudWatch dashboard per flow (onboarding,
 * disbursement, reconciliation) plus one for the API, each built from the definition (infra/cdk/flows.ts).
 * What each alarm means and what to do: docs/runbook.md.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { FLOWS, type FlowId, type SystemDef } from '../system-model.js';
import { METRICS_NAMESPACE } from './ansinh-function.js';
import { apiViewOf, flowsOf } from './flows.js';

/** Alarm names: stable, so the runbook (docs/runbook.md) and the on-call mail name the same thing. */
export const alarmName = {
  deadLetters: (sys: SystemDef, queueId: string) => `${sys.name}-${queueId}-dlq-not-empty`,
  functionMetric: (sys: SystemDef, functionId: string, metric: string) => `${sys.name}-${functionId}-${metric}`,
};

export const dashboardName = (sys: SystemDef, view: FlowId | 'api') => `${sys.name}-${view}`;

/**
 * The topic every alarm notifies (alarm and back to OK), encrypted with the platform key. CloudWatch publishes
 * to it as a service: the key and the topic let it, for this account's alarms only.
 */
export function createAlarmTopic(scope: Construct, key: kms.Key, sys: SystemDef, emails: string[]): sns.Topic {
  const stack = Stack.of(scope);
  const topic = new sns.Topic(scope, 'AlarmTopic', {
    displayName: `${sys.name} alarms`,
    masterKey: key,
    enforceSSL: true,
  });
  const fromOurAlarms = {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
  };
  const cloudwatchService = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AlarmsOfThisAccountPublish',
      principals: [cloudwatchService],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: fromOurAlarms,
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublishEncrypted',
      principals: [cloudwatchService],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'], // in a key policy, `*` is this key
      conditions: fromOurAlarms,
    }),
  );
  for (const email of emails) topic.addSubscription(new subscriptions.EmailSubscription(email));
  return topic;
}

export interface DashboardSources {
  system: SystemDef;
  functions: Map<string, lambda.IFunction>;
  queues: Map<string, { queue: sqs.IQueue; deadLetterQueue: sqs.IQueue }>;
  stateMachines: Map<string, sfn.IStateMachine>;
  api: apigw.HttpApi;
  /** Every alarm, by its name (alarmName above). */
  alarms: Map<string, cloudwatch.IAlarm>;
}

const FIVE_MINUTES = Duration.minutes(5);
const WIDTH = 24;

const get = <T>(map: Map<string, T>, id: string, kind: string): T => {
  const v = map.get(id);
  if (!v) throw new Error(`dashboard: unknown ${kind} ${id}`);
  return v;
};

/** Graphs of one metric for each function (errors, p99 duration, throttles, invocations). */
function functionWidgets(title: string, fns: [string, lambda.IFunction][]): cloudwatch.IWidget[] {
  if (!fns.length) return [];
  const each = (metric: (fn: lambda.IFunction) => cloudwatch.IMetric) => fns.map(([, fn]) => metric(fn));
  const labelled = (make: (fn: lambda.IFunction, label: string) => cloudwatch.IMetric) =>
    fns.map(([id, fn]) => make(fn, id));
  return [
    new cloudwatch.GraphWidget({
      title: `${title}: errors`,
      width: WIDTH / 3,
      left: labelled((fn, label) => fn.metricErrors({ period: FIVE_MINUTES, label })),
    }),
    new cloudwatch.GraphWidget({
      title: `${title}: duration p99 (ms)`,
      width: WIDTH / 3,
      left: labelled((fn, label) => fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label })),
    }),
    new cloudwatch.GraphWidget({
      title: `${title}: invocations and throttles`,
      width: WIDTH / 3,
      left: labelled((fn, label) => fn.metricInvocations({ period: FIVE_MINUTES, label })),
      right: each((fn) => fn.metricThrottles({ period: FIVE_MINUTES })),
    }),
  ];
}

function flowDashboard(scope: Construct, flow: FlowId, src: DashboardSources): cloudwatch.Dashboard {
  const sys = src.system;
  const view = flowsOf(sys)[flow];
  const dashboard = new cloudwatch.Dashboard(scope, `Dashboard${flow.charAt(0).toUpperCase()}${flow.slice(1)}`, {
    dashboardName: dashboardName(sys, flow),
    defaultInterval: Duration.hours(6),
  });
  const alarms = [
    ...view.queues.map((q) => get(src.alarms, alarmName.deadLetters(sys, q), 'alarm')),
    ...view.functionAlarms.map((a) => get(src.alarms, alarmName.functionMetric(sys, a.functionId, a.metric), 'alarm')),
  ];
  dashboard.addWidgets(
    new cloudwatch.TextWidget({
      markdown: `# ${sys.name}: ${flow}\nAlarms and what to do: docs/runbook.md. Built from infra/system.ts (flow \`${flow}\`).`,
      width: WIDTH,
      height: 2,
    }),
  );
  if (alarms.length) {
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: WIDTH }));
  }
  for (const sid of view.stateMachines) {
    const sm = get(src.stateMachines, sid, 'state machine');
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `State machine ${sid}: runs`,
        width: WIDTH / 2,
        left: [
          sm.metricStarted({ period: FIVE_MINUTES, label: 'started' }),
          sm.metricSucceeded({ period: FIVE_MINUTES, label: 'succeeded' }),
          sm.metricFailed({ period: FIVE_MINUTES, label: 'failed' }),
          sm.metricTimedOut({ period: FIVE_MINUTES, label: 'timed out' }),
          sm.metricAborted({ period: FIVE_MINUTES, label: 'aborted' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: `State machine ${sid}: run time p99 (ms)`,
        width: WIDTH / 2,
        left: [sm.metricTime({ period: FIVE_MINUTES, statistic: 'p99', label: 'p99' })],
      }),
    );
  }
  for (const qid of view.queues) {
    const { queue, deadLetterQueue } = get(src.queues, qid, 'queue');
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `Queue ${qid}: waiting and in flight`,
        width: WIDTH / 3,
        left: [
          queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
          queue.metricApproximateNumberOfMessagesNotVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: `Queue ${qid}: age of the oldest message (s)`,
        width: WIDTH / 3,
        left: [queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' })],
      }),
      new cloudwatch.GraphWidget({
        title: `Queue ${qid}: dead letters`,
        width: WIDTH / 3,
        left: [
          deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        ],
      }),
    );
  }
  if (view.functionAlarms.length) {
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Metrics the functions publish (alarmed)',
        width: WIDTH,
        left: view.functionAlarms.map(
          (a) =>
            new cloudwatch.Metric({
              namespace: METRICS_NAMESPACE,
              metricName: a.metric,
              dimensionsMap: { service: a.functionId },
              period: FIVE_MINUTES,
              statistic: cloudwatch.Stats.SUM,
            }),
        ),
      }),
    );
  }
  dashboard.addWidgets(
    ...functionWidgets(
      'Functions',
      view.functions.map((fid) => [fid, get(src.functions, fid, 'function')]),
    ),
  );
  return dashboard;
}

function apiDashboard(scope: Construct, src: DashboardSources): cloudwatch.Dashboard {
  const sys = src.system;
  const api = src.api;
  const dashboard = new cloudwatch.Dashboard(scope, 'DashboardApi', {
    dashboardName: dashboardName(sys, 'api'),
    defaultInterval: Duration.hours(6),
  });
  dashboard.addWidgets(
    new cloudwatch.TextWidget({
      markdown: `# ${sys.name}: HTTP API\n${sys.routes.length} routes from infra/system.ts, grouped by capability. Runbook: docs/runbook.md.`,
      width: WIDTH,
      height: 2,
    }),
    new cloudwatch.GraphWidget({
      title: 'Requests, 4xx, 5xx',
      width: WIDTH / 2,
      left: [api.metricCount({ period: FIVE_MINUTES, label: 'requests' })],
      right: [
        api.metricClientError({ period: FIVE_MINUTES, label: '4xx' }),
        api.metricServerError({ period: FIVE_MINUTES, label: '5xx' }),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Latency (ms)',
      width: WIDTH / 2,
      left: [
        api.metricLatency({ period: FIVE_MINUTES, statistic: 'p50', label: 'p50' }),
        api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99', label: 'p99' }),
        api.metricIntegrationLatency({ period: FIVE_MINUTES, statistic: 'p99', label: 'integration p99' }),
      ],
    }),
  );
  for (const [capability, routes] of apiViewOf(sys).byCapability) {
    const fns = [...new Set(routes.map((r) => r.function))].map(
      (fid) => [fid, get(src.functions, fid, 'function')] as [string, lambda.IFunction],
    );
    dashboard.addWidgets(...functionWidgets(`Routes of ${capability}`, fns));
  }
  return dashboard;
}

/** One dashboard per flow, and the API's. */
export function createDashboards(scope: Construct, src: DashboardSources): Map<FlowId | 'api', cloudwatch.Dashboard> {
  const dashboards = new Map<FlowId | 'api', cloudwatch.Dashboard>();
  for (const flow of FLOWS) dashboards.set(flow, flowDashboard(scope, flow, src));
  dashboards.set('api', apiDashboard(scope, src));
  return dashboards;
}
