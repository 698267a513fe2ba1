/**
 * The CDK app: one deployment, `Ansinh` (a root stack and one nested stack per capability, docs/deployment.md),
 * from the one system definition, checked by cdk-nag (AWS Solutions) in every stack on every synth.
 * `npm run synth` runs this file through cdk.json; tests call `buildApp()` in-process.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { system as platformSystem } from '../system.js';
import type { SystemDef } from '../system-model.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';
import { PlatformStack } from './platform-stack.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Context keys (cdk.json, or `cdk synth -c key=value`) and their defaults. */
export const CONTEXT_DEFAULTS = {
  'ansinh:region': 'ap-southeast-1',
  'ansinh:webOrigins': ['https://localhost'],
  'ansinh:oidcIssuer': 'https://id.ansinh.example/realms/ansinh',
  'ansinh:oidcAudience': 'ansinh-api',
  'ansinh:populationRegistryUrl': 'https://registry.ansinh.example',
  'ansinh:bankUrl': 'https://bank.ansinh.example',
  // The name of the secret, never its value: the callback function reads it at run time (rotation needs no deploy).
  'ansinh:bankCallbackSecretId': 'ansinh/bank-callback-secret',
  'ansinh:notificationsUrl': 'aws-sms',
  // The web console (CloudFront): who may open it, and optionally its domain, certificate and WAF web ACL.
  'ansinh:consoleCountries': ['VN'],
  'ansinh:consoleClientId': 'ansinh-console',
  'ansinh:consoleDomain': '',
  'ansinh:consoleCertificateArn': '',
  'ansinh:consoleWebAclArn': '',
  // The API's own domain (regional ACM certificate): with the console, CloudFront reaches the API there and the
  // default execute-api endpoint is disabled. `ansinh:apiDefaultEndpoint=enabled` keeps it (no console in front,
  // or no domain yet: then the API is also reachable beside CloudFront).
  'ansinh:apiDomain': 'api.ansinh.example',
  'ansinh:apiCertificateArn': 'arn:aws:acm:ap-southeast-1:111122223333:certificate/example-api-certificate',
  'ansinh:apiDefaultEndpoint': 'disabled',
  // Origins the console calls besides its own and the issuer's: a token endpoint on another host (Cognito's).
  'ansinh:consoleConnectOrigins': [] as string[],
  // Who the alarm topic mails (docs/runbook.md); other subscriptions can be added to the topic on AWS.
  'ansinh:alarmEmails': [] as string[],
} as const;

export interface BuildAppOptions {
  /** Defaults to infra/system.ts. */
  system?: SystemDef;
  /** Context values; defaults to cdk.json's, so in-process builds match `cdk synth`. CLI context overrides. */
  context?: Record<string, unknown>;
  /** Cloud assembly directory (tests use a temporary one). */
  outdir?: string;
}

/** cdk.json's context (feature flags and platform defaults). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8'));
  return cdkJson.context ?? {};
}

/** A list context value: JSON array in cdk.json, `a,b` on the command line. */
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : String(v).split(',').filter(Boolean));
const optional = <K extends string>(key: K, v: unknown): Partial<Record<K, string>> =>
  v ? ({ [key]: String(v) } as Record<K, string>) : {};

export function buildApp(opts: BuildAppOptions = {}): { app: App; stack: PlatformStack; nag: AwsSolutionsChecks } {
  const app = new App({ context: opts.context ?? cdkJsonContext(), outdir: opts.outdir });
  const ctx = <K extends keyof typeof CONTEXT_DEFAULTS>(key: K) => app.node.tryGetContext(key) ?? CONTEXT_DEFAULTS[key];
  const origins = ctx('ansinh:webOrigins');

  const stack = new PlatformStack(app, 'Ansinh', {
    // TableV2 with a customer-managed key needs a concrete region; the account may stay unresolved.
    env: { region: String(ctx('ansinh:region')), account: process.env.CDK_DEFAULT_ACCOUNT },
    description: 'ansinh: cashless social security payment platform',
    system: opts.system ?? platformSystem,
    repoRoot: REPO_ROOT,
    // `-c ansinh:webOrigins=https://a,https://b` arrives as a string.
    webOrigins: Array.isArray(origins) ? origins.map(String) : String(origins).split(','),
    oidcIssuer: String(ctx('ansinh:oidcIssuer')),
    oidcAudience: String(ctx('ansinh:oidcAudience')),
    settings: {
      populationRegistryUrl: String(ctx('ansinh:populationRegistryUrl')),
      bankUrl: String(ctx('ansinh:bankUrl')),
      bankCallbackSecretId: String(ctx('ansinh:bankCallbackSecretId')),
      notificationsUrl: String(ctx('ansinh:notificationsUrl')),
    },
    ...(String(ctx('ansinh:apiDefaultEndpoint')) === 'enabled'
      ? {}
      : {
          apiDomain: {
            domainName: String(ctx('ansinh:apiDomain')),
            certificateArn: String(ctx('ansinh:apiCertificateArn')),
          },
        }),
    alarmEmails: list(ctx('ansinh:alarmEmails')),
    webConsole: {
      countries: list(ctx('ansinh:consoleCountries')),
      clientId: String(ctx('ansinh:consoleClientId')),
      connectOrigins: list(ctx('ansinh:consoleConnectOrigins')),
      ...optional('domainName', ctx('ansinh:consoleDomain')),
      ...optional('certificateArn', ctx('ansinh:consoleCertificateArn')),
      ...optional('webAclArn', ctx('ansinh:consoleWebAclArn')),
    },
  });

  acknowledgeNagFindings(stack);
  // Any unacknowledged finding fails the synth. Acknowledgements are also written into the template
  // metadata (`cdk_nag.rules_to_suppress`) so auditors see them next to the resource.
  const nag = new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true });
  Validations.of(app).addPlugins(nag);
  return { app, stack, nag };
}

const isEntryPoint = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryPoint) buildApp().app.synth();
