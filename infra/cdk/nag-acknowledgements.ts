/**
 * The cdk-nag (AWS Solutions) findings the platform accepts, each with its reason, each on the one resource
 * it concerns. Everything else fails the synth.
 *
 * IAM5 (wildcards) is acknowledged per finding (`AwsSolutions-IAM5[Resource::…]`), and only after checking
 * the evidence: every statement of that policy producing the finding must be of the accepted kind (e.g. a
 * `Resource: *` statement holding nothing but X-Ray actions). A wildcard that appears for any other reason
 * stays a finding.
 */
import { type CfnElement, type Stack, Validations } from 'aws-cdk-lib';
import { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
// The exact function cdk-nag uses to turn a resource reference into the string of a finding id.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { SystemDef } from '../system-model.js';
import type { PlatformStack } from './platform-stack.js';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

interface WildcardRule {
  /** Whether this rule is about the finding (`Resource::*`, `Action::kms:ReEncrypt*`, …). */
  finding: (finding: string) => boolean;
  /** Evidence: every statement producing the finding must pass. */
  statement: (s: Statement) => boolean;
  reason: string;
}

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
const actionsWithin = (s: Statement, allowed: Iterable<string>) => {
  const set = new Set(allowed);
  return list(s.Action).every((a) => set.has(a));
};

const XRAY_ACTIONS = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
];
// What Step Functions needs to deliver its logs to CloudWatch Logs (vended logs).
const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];
// What CDK grants on a customer-managed key for reading and writing encrypted tables and queues.
const KEY_DATA_ACTIONS = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey',
  'kms:GenerateDataKey*',
  'kms:DescribeKey',
];

export function acknowledgeNagFindings(root: PlatformStack): void {
  // Each capability stack names the shared resources by its own parameters, so the evidence is computed in
  // the terms of the stack that holds the policy.
  for (const cap of root.capabilities.values()) acknowledgeWildcards(cap, root.system, cap.nagView());
  acknowledgeWebConsole(root);

  // APIG4: routes the definition declares `roles: 'public'` have no authorizer, on purpose — each for its
  // own reason. A new public route has none here and stays a finding until someone writes one.
  for (const r of root.system.routes.filter((route) => route.roles === 'public')) {
    const key = `${r.method} ${r.path}`;
    const route = root.routes.get(key);
    const reason = PUBLIC_ROUTE_REASONS[key];
    if (!route || !reason) continue;
    Validations.of(route.node.defaultChild as CfnElement).acknowledge({ id: 'AwsSolutions-APIG4', reason });
  }
}

/** What a stack's wildcard evidence is computed from: the shared resources as that stack names them. */
export interface NagView {
  keyArn?: string;
  tableArns: string[];
  bucketObjectArns: (prefix: string) => string[];
  executionArns: string[];
}

function acknowledgeWildcards(stack: Stack, system: SystemDef, view: NagView): void {
  const flat = (v: unknown) => flattenCfnReference(stack.resolve(v));
  const same = (a: unknown, b: unknown) => JSON.stringify(stack.resolve(a)) === JSON.stringify(stack.resolve(b));
  const keyArn = view.keyArn;

  const tableIndexes = new Set(view.tableArns.map((arn) => `Resource::${flat(`${arn}/index/*`)}`));
  const runs = new Set(view.executionArns.map((arn) => `Resource::${flat(arn)}`));
  // Object grants are per key prefix (infra/system.ts): `<bucket ARN>/<prefix>*`.
  const prefixes = new Set(
    Object.values(system.functions).flatMap((f) =>
      Object.values(f.uses?.buckets ?? {}).flatMap((a) => [...(a.read ?? []), ...(a.write ?? [])]),
    ),
  );
  const objects = new Set(
    [...prefixes].flatMap((p) => view.bucketObjectArns(`${p}*`).map((arn) => `Resource::${flat(arn)}`)),
  );

  const rules: WildcardRule[] = [
    {
      finding: (f) => f === 'Resource::*',
      statement: (s) => actionsWithin(s, XRAY_ACTIONS),
      reason:
        'X-Ray (Tracing.ACTIVE) has no resource-level permissions: PutTraceSegments/PutTelemetryRecords ' +
        'only work on "*". The statement holds X-Ray actions only.',
    },
    {
      // A function that tells beneficiaries also traces; CDK merges the two "*" statements into one.
      finding: (f) => f === 'Resource::*',
      statement: (s) => actionsWithin(s, [...XRAY_ACTIONS, 'sns:Publish']),
      reason:
        'X-Ray has no resource-level permissions, and an SMS sent straight to a phone number is an SNS Publish ' +
        'without a topic (IAM cannot name a phone number), so both need "*". The statement holds X-Ray actions ' +
        'and sns:Publish only, and a Deny statement of the same policy takes every SNS topic out of the Publish.',
    },
    {
      finding: (f) => f === 'Resource::*',
      statement: (s) => actionsWithin(s, [...XRAY_ACTIONS, ...LOG_DELIVERY_ACTIONS]),
      reason:
        'Step Functions tracing (X-Ray) and log delivery to CloudWatch Logs (CreateLogDelivery, ' +
        'PutResourcePolicy, DescribeLogGroups, ...) have no resource-level permissions and need "*". ' +
        'The statement holds only those actions; the log group itself is KMS-encrypted and the role cannot read it.',
    },
    {
      finding: (f) => f === 'Action::kms:ReEncrypt*' || f === 'Action::kms:GenerateDataKey*',
      statement: (s) =>
        keyArn !== undefined && actionsWithin(s, KEY_DATA_ACTIONS) && list(s.Resource).every((r) => same(r, keyArn)),
      reason:
        'Writing to a KMS-encrypted table or queue needs data keys from the platform key; CDK grants the ' +
        'GenerateDataKey*/ReEncrypt* action families for that. The only resource is the platform key.',
    },
    {
      finding: (f) => tableIndexes.has(f),
      statement: (s) => list(s.Action).every((a) => a.startsWith('dynamodb:') && !a.includes('*')),
      reason:
        'The definition grants the table, and its global secondary indexes (e.g. the sparse openJobs index ' +
        'the redrive queries) are `<table ARN>/index/<name>`: the wildcard covers the indexes of that one table only.',
    },
    {
      finding: (f) => runs.has(f),
      statement: (s) => actionsWithin(s, ['states:DescribeExecution', 'states:GetExecutionHistory']),
      reason:
        'Runs are named by request id at run time, so their ARNs cannot be listed in advance; the wildcard ' +
        'is the runs of this one state machine (execution:<name>:*), describe-only.',
    },
    {
      finding: (f) => objects.has(f),
      statement: (s) => actionsWithin(s, ['s3:GetObject', 's3:PutObject']),
      reason:
        'Object keys are chosen at run time (upload ids, list and cycle ids), so the grant is a key prefix: ' +
        'the wildcard is the objects under one folder of this one bucket that the function uses (e.g. the ' +
        'bank callback writes callbacks/* only), object reads or writes only (no listing, deletion or bucket configuration).',
    },
  ];

  for (const policy of stack.node.findAll().filter((c): c is CfnPolicy => c instanceof CfnPolicy)) {
    for (const [finding, statements] of wildcardFindings(stack, policy)) {
      const rule = rules.find((r) => r.finding(finding) && statements.every((s) => r.statement(s)));
      if (rule) Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: rule.reason });
    }
  }
}

/** Why each public route has no JWT authorizer, and what guards it instead. */
export const PUBLIC_ROUTE_REASONS: Record<string, string> = {
  'GET /v1/health':
    'GET /v1/health: monitoring probes call it without a token. It answers component status (up/down) only, ' +
    'no personal data and no identifiers, and is throttled with the stage.',
  'GET /v1/openapi.json':
    'GET /v1/openapi.json: the OpenAPI document of the API, generated from the system definition and the zod ' +
    'schemas at build time and bundled into the function. Routes, roles and schemas only: no data, no ' +
    'identifier, no secret; the function touches no table, queue or bucket. Throttled with the stage.',
  'GET /v1/openapi.html':
    'GET /v1/openapi.html: the same OpenAPI document rendered as a page (no script, CSP default-src none). ' +
    'No data, no identifier, no secret; the function touches no table, queue or bucket. Throttled with the stage.',
  'POST /v1/bank/callbacks':
    'POST /v1/bank/callbacks: the bank holds no user token. Every request is authenticated in the handler by an ' +
    "HMAC-SHA256 over the timestamp and the body with the bank's secret (read at run time from Secrets Manager), " +
    'refused when older than 5 minutes (401) or when its MsgId was received before (409). It can only write the ' +
    'report under callbacks/, queue it and record its MsgId (callbackReceipts table); it reads no object and no ' +
    'other table. The status worker applies it forward-only. Anyone can reach it, so on AWS put mTLS or a WAF IP allow-list of the ' +
    "bank's addresses in front of it (README).",
};

// What CDK's BucketDeployment handler gets to copy the console into its bucket and invalidate the cache.
const SITE_READ_ACTIONS = ['s3:GetObject*', 's3:GetBucket*', 's3:List*'];
const SITE_WRITE_ACTIONS = [
  ...SITE_READ_ACTIONS,
  's3:DeleteObject*',
  's3:PutObject',
  's3:PutObjectLegalHold',
  's3:PutObjectRetention',
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
  's3:Abort*',
];
const INVALIDATION_ACTIONS = ['cloudfront:GetInvalidation', 'cloudfront:CreateInvalidation'];

/** The web console's findings (infra/cdk/web-console.ts): its deployment helper and CloudFront's defaults. */
function acknowledgeWebConsole(stack: PlatformStack): void {
  const site = stack.webConsole;
  if (!site) return;
  const same = (a: unknown, b: unknown) => JSON.stringify(stack.resolve(a)) === JSON.stringify(stack.resolve(b));
  const bucket = site.bucket;
  const isSite = (r: unknown) => same(r, bucket.bucketArn) || same(r, bucket.arnForObjects('*'));
  const isAssets = (r: unknown) => /cdk-[a-z0-9]+-assets-/.test(JSON.stringify(stack.resolve(r)));
  // Evidence: every statement of the helper's policy is one of these four, on these resources only.
  const evidence: ((s: Statement) => boolean)[] = [
    (s) => actionsWithin(s, SITE_READ_ACTIONS) && list(s.Resource).every(isAssets),
    (s) => actionsWithin(s, SITE_WRITE_ACTIONS) && list(s.Resource).every(isSite),
    (s) => actionsWithin(s, KEY_DATA_ACTIONS) && list(s.Resource).every((r) => same(r, site.key.keyArn)),
    (s) => actionsWithin(s, INVALIDATION_ACTIONS) && list(s.Resource).every((r) => r === '*'),
  ];
  const role = site.deployment.handlerRole;
  const policies = role.node.findAll().filter((c): c is CfnPolicy => c instanceof CfnPolicy);
  for (const policy of policies) {
    const findings = wildcardFindings(stack, policy);
    const statements = [...findings.values()].flat();
    if (!statements.every((s) => evidence.some((ok) => ok(s)))) continue; // anything else stays a finding
    for (const finding of findings.keys()) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          'CDK BucketDeployment (web console upload on deploy). It may read and list the whole CDK bootstrap ' +
          "assets bucket of this account and region — every stack's assets (function code, templates), not only " +
          "the console's — because CDK grants the source bucket as a whole; that bucket holds code and static " +
          'files, no personal data. It writes and deletes objects of the console bucket only (public console ' +
          'files), uses only the console bucket key, and invalidates CloudFront caches ("*": no resource-level ' +
          'permission). It runs only during deployments.',
      });
    }
  }
  Validations.of(role.node.defaultChild as CfnElement).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'CDK BucketDeployment helper: AWSLambdaBasicExecutionRole allows logs:CreateLogGroup, CreateLogStream and ' +
      'PutLogEvents on any log group of the account (Resource "*"), not only its own. Accepted because CDK ' +
      'creates this role and offers no way to replace the managed policy, the helper runs only during ' +
      "deployments with the console's static files (no personal data), and our own functions use roles " +
      'limited to their own log group.',
  });
  for (const fn of stack.node.findAll().filter((c): c is CfnFunction => c instanceof CfnFunction)) {
    if (!same(fn.role, role.roleArn)) continue;
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The runtime of CDK BucketDeployment helper (Python, with the AWS CLI layer) is chosen by aws-cdk-lib ' +
        'and moves with it; it runs only during deployments, never with personal data.',
    });
  }
  const cdn = site.distribution.node.defaultChild as CfnElement;
  if (!site.customDomain) {
    Validations.of(cdn).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose viewer policy ' +
        'cannot be raised; set ansinh:consoleDomain and ansinh:consoleCertificateArn (us-east-1 ACM) for TLS 1.2+ ' +
        '(TLSv1.2_2021) only.',
    });
  }
  if (!site.webAcl) {
    Validations.of(cdn).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'A CloudFront web ACL must be created in us-east-1, outside this regional stack: pass its ARN as ' +
        'ansinh:consoleWebAclArn. Until then the API keeps its own throttling and the console is static files.',
    });
  }
}

/** The IAM5 findings of one policy, as cdk-nag computes them, with the Allow statements producing each. */
function wildcardFindings(stack: Stack, policy: CfnPolicy): Map<string, Statement[]> {
  const doc = stack.resolve(policy.policyDocument) as { Statement?: Statement[] };
  const findings = new Map<string, Statement[]>();
  const add = (finding: string, s: Statement) => findings.set(finding, [...(findings.get(finding) ?? []), s]);
  for (const s of doc.Statement ?? []) {
    if (s.Effect !== 'Allow') continue;
    for (const a of list(s.Action).filter((x) => x.includes('*'))) add(`Action::${a}`, s);
    for (const r of list(s.Resource)
      .map(flattenCfnReference)
      .filter((x) => x.includes('*')))
      add(`Resource::${r}`, s);
  }
  return findings;
}
