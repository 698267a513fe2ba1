/**
 * Security review, the rows found in the synthesized template: every function using the uploads bucket could
 * read and write all of it (the public bank-callback function included); the API's own URL stayed reachable
 * beside CloudFront; the callback secret was a deploy-time environment value; and cdk-nag acknowledgements
 * gave the wrong reasons (the health check's for the callback route, "own logs only" for a policy that
 * allows any log group, "one asset" for the whole CDK assets bucket). One synth, as `cdk synth` does it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { buildApp } from '../../infra/cdk/app.js';
import type { CapabilityStack } from '../../infra/cdk/capability-stack.js';
import type { PlatformStack } from '../../infra/cdk/platform-stack.js';
import { system } from '../../infra/system.js';

const TIMEOUT = 240_000;
type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown };

let outdir: string;
let stack: PlatformStack;
/** Every stack's resources (the root's and each capability's), as `<stack path>/<logical id>`. */
let resources: Record<string, Resource>;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'ansinh-security-'));
  const built = buildApp({ outdir });
  stack = built.stack;
  built.app.synth();
  resources = {};
  for (const s of [stack, ...stack.capabilities.values()]) {
    const file = join(outdir, s.templateFile);
    if (!existsSync(file)) throw new Error(`no template synthesized for ${s.node.path}`);
    for (const [id, r] of Object.entries(
      JSON.parse(readFileSync(file, 'utf8')).Resources as Record<string, Resource>,
    )) {
      resources[`${s.node.path}/${id}`] = r;
    }
  }
}, TIMEOUT);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const must = <T>(v: T | undefined): T => {
  if (v === undefined) throw new Error('missing construct');
  return v;
};
const idOf = (c: { node: { defaultChild?: unknown } }) => {
  const el = c.node.defaultChild as CfnElement;
  return `${Stack.of(el).node.path}/${Stack.of(el).getLogicalId(el)}`;
};
const stackPathOf = (id: string) => id.slice(0, id.lastIndexOf('/'));
const logicalPart = (id: string) => id.slice(id.lastIndexOf('/') + 1);
const capabilityOf = (functionId: string): CapabilityStack =>
  must([...stack.capabilities.values()].find((c) => c.functions.has(functionId)));
const list = (v: unknown): any[] => (Array.isArray(v) ? v : [v]);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

function statementsOf(functionId: string): Statement[] {
  const roleId = idOf(
    must(must(stack.functions.get(functionId)).role) as unknown as { node: { defaultChild?: unknown } },
  );
  return policiesOfRole(roleId).flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** The policies attached to a role: in the role's own template. */
function policiesOfRole(roleId: string): [string, Resource][] {
  return ofType('AWS::IAM::Policy').filter(
    ([id, p]) =>
      stackPathOf(id) === stackPathOf(roleId) && JSON.stringify(p.Properties.Roles).includes(logicalPart(roleId)),
  );
}

/** The reasons cdk-nag acknowledgements wrote into a resource's metadata. */
const reasonsOf = (logicalId: string) => JSON.stringify(resources[logicalId]?.Metadata ?? {});

describe('least privilege on the uploads bucket', () => {
  it(
    'each function gets objects under its declared key prefixes only; the bank callback cannot read uploads',
    () => {
      for (const [id, def] of Object.entries(system.functions)) {
        if (def.uses?.describeAll) continue;
        // The bucket as the function's capability stack names it (a parameter from the root).
        const cap = capabilityOf(id);
        const bucket = cap.imported.buckets.get('uploads');
        const arn = (prefix: string) => cap.resolve(must(bucket).arnForObjects(`${prefix}*`));
        const whole = bucket ? JSON.stringify(cap.resolve(bucket.arnForObjects('*'))) : 'no bucket';
        const s3 = statementsOf(id).filter((st) => list(st.Action).some((a: string) => a.startsWith('s3:')));
        const granted = (action: string) =>
          s3.filter((st) => list(st.Action).includes(action)).flatMap((st) => list(st.Resource));
        const declared = def.uses?.buckets?.uploads ?? {};
        expect({ id, read: granted('s3:GetObject') }).toEqual({ id, read: (declared.read ?? []).map(arn) });
        expect({ id, write: granted('s3:PutObject') }).toEqual({ id, write: (declared.write ?? []).map(arn) });
        const other = s3.flatMap((st) => list(st.Action)).filter((a) => !['s3:GetObject', 's3:PutObject'].includes(a));
        expect({ id, other }).toEqual({ id, other: [] });
        expect({ id, whole: s3.some((st) => JSON.stringify(list(st.Resource)).includes(whole)) }).toEqual({
          id,
          whole: false,
        });
      }
      const callback = statementsOf('bankCallback').flatMap((st) => list(st.Action));
      expect(callback).not.toContain('s3:GetObject');
      expect(system.functions.bankCallback?.uses?.buckets?.uploads).toEqual({ write: ['callbacks/'] });
      // Its table: the replay receipts only, nothing of payments, accounts or jobs.
      expect(Object.keys(system.functions.bankCallback?.uses?.tables ?? {})).toEqual(['callbackReceipts']);
    },
    TIMEOUT,
  );
});

describe('the callback secret is read at run time', () => {
  it(
    'only the bank callback carries the Parameters and Secrets extension and may read its one secret; no function has the value',
    () => {
      for (const id of Object.keys(system.functions)) {
        const fn = must(resources[idOf(must(stack.functions.get(id)))]);
        const layers = JSON.stringify(fn.Properties.Layers ?? []);
        expect({ id, extension: layers.includes('Parameters-and-Secrets') }).toEqual({
          id,
          extension: id === 'bankCallback',
        });
        const env = fn.Properties.Environment.Variables as Record<string, unknown>;
        expect({ id, value: 'ANSINH_BANK_CALLBACK_SECRET' in env }).toEqual({ id, value: false });
        expect({ id, name: 'ANSINH_BANK_CALLBACK_SECRET_ID' in env }).toEqual({ id, name: id === 'bankCallback' });
        const reads = statementsOf(id).some((st) => list(st.Action).includes('secretsmanager:GetSecretValue'));
        expect({ id, reads }).toEqual({ id, reads: id === 'bankCallback' });
      }
      expect(JSON.stringify(resources)).not.toContain('resolve:secretsmanager');
    },
    TIMEOUT,
  );
});

describe('the API is reachable through CloudFront only', () => {
  it(
    "disables the API's default execute-api endpoint and routes CloudFront's /v1/* to the API's own domain",
    () => {
      const apis = ofType('AWS::ApiGatewayV2::Api');
      expect(apis).toHaveLength(1);
      expect(apis[0]?.[1].Properties.DisableExecuteApiEndpoint).toBe(true);
      const [domain] = ofType('AWS::ApiGatewayV2::DomainName');
      expect(domain?.[1].Properties).toMatchObject({
        DomainName: 'api.ansinh.example',
        DomainNameConfigurations: [expect.objectContaining({ SecurityPolicy: 'TLS_1_2' })],
      });
      expect(ofType('AWS::ApiGatewayV2::ApiMapping')).toHaveLength(1);
      const [cdn] = ofType('AWS::CloudFront::Distribution');
      const config = cdn?.[1].Properties.DistributionConfig;
      const apiOrigin = config.Origins.find((o: { DomainName: unknown }) => o.DomainName === 'api.ansinh.example');
      expect(apiOrigin).toBeDefined();
      const v1 = config.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/v1/*');
      expect(v1.TargetOriginId).toBe(apiOrigin.Id);
      // Nothing routes to the execute-api host any more.
      expect(JSON.stringify(config.Origins)).not.toContain('execute-api');
    },
    TIMEOUT,
  );
});

describe('honest cdk-nag acknowledgements', () => {
  it(
    'each public route states its own reason: the callback route its signature, never the health check’s',
    () => {
      const routes = ofType('AWS::ApiGatewayV2::Route');
      const route = (key: string) => must(routes.find(([, r]) => r.Properties.RouteKey === key))[0];
      const callback = reasonsOf(route('POST /v1/bank/callbacks'));
      expect(callback).toContain('HMAC-SHA256 over the timestamp and the body');
      expect(callback).toContain('older than 5 minutes');
      expect(callback).not.toContain('monitoring probes');
      expect(reasonsOf(route('GET /v1/health'))).toContain('monitoring probes');
    },
    TIMEOUT,
  );

  it(
    'the deployment helper’s reasons state the real scope: any log group, the whole CDK assets bucket',
    () => {
      const site = must(stack.webConsole);
      const role = idOf(site.deployment.handlerRole as unknown as { node: { defaultChild?: unknown } });
      expect(reasonsOf(role)).toContain('on any log group of the account');
      const policies = policiesOfRole(role);
      expect(policies.some(([id]) => reasonsOf(id).includes('the whole CDK bootstrap assets bucket'))).toBe(true);
      // The uploads-bucket wildcard is a key prefix per function, and says so.
      const callbackRole = idOf(
        must(must(stack.functions.get('bankCallback')).role) as unknown as { node: { defaultChild?: unknown } },
      );
      const callbackPolicies = policiesOfRole(callbackRole);
      expect(callbackPolicies.some(([id]) => reasonsOf(id).includes('under one folder'))).toBe(true);
    },
    TIMEOUT,
  );
});

describe('telling beneficiaries by SMS (functions/notifications/port.ts, `aws-sms`)', () => {
  it(
    'the functions that notify may Publish to a phone number and to no SNS topic; no other function may Publish',
    () => {
      const notifiers = Object.entries(system.functions)
        .filter(([, f]) => f.settings?.includes('notificationsUrl'))
        .map(([id]) => id);
      expect(notifiers.length).toBeGreaterThan(0);
      for (const id of Object.keys(system.functions)) {
        const publishes = (statementsOf(id) as (Statement & { Effect: string })[])
          .filter((s) => list(s.Action).includes('sns:Publish'))
          .map((s) => `${s.Effect} ${JSON.stringify(s.Resource)}`)
          .sort();
        expect({ id, publishes }).toEqual({
          id,
          publishes: notifiers.includes(id) ? ['Allow "*"', 'Deny "arn:aws:sns:*:*:*"'] : [],
        });
      }
      // Its wildcard is acknowledged with the reason that says why.
      const role = idOf(
        must(must(stack.functions.get(notifiers[0] as string)).role) as unknown as {
          node: { defaultChild?: unknown };
        },
      );
      const policies = policiesOfRole(role);
      expect(policies.some(([pid]) => reasonsOf(pid).includes('IAM cannot name a phone number'))).toBe(true);
    },
    TIMEOUT,
  );
});
