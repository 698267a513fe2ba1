/**
 * A Lambda function with the platform defaults: Node.js 24 on Graviton, ESM bundled locally by esbuild (no
 * Docker), X-Ray tracing, Powertools configuration, and its own KMS-encrypted log group kept 13 months.
 */
import { resolve } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** Powertools metrics namespace: one for the whole platform, dimensioned by service (the function id). */
export const METRICS_NAMESPACE = 'ansinh';

/**
 * esbuild's ESM output has no `require`; CommonJS dependencies bundled into it (aws-xray-sdk-core via the
 * Powertools tracer, for one) still call it. Defining it from `createRequire` keeps them working.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __ansinhCreateRequire } from 'node:module'; const require = __ansinhCreateRequire(import.meta.url);";

export interface AnsinhFunctionProps {
  /** Repository root: esbuild's project root, and where `entry` and the lock file are resolved from. */
  repoRoot: string;
  /** Module exporting `handler`, relative to `repoRoot` (or absolute). */
  entry: string;
  description: string;
  /** Customer-managed key that encrypts the function's log group. */
  logKey: kms.IKey;
  memoryMb?: number;
  timeoutSeconds?: number;
  environment?: Record<string, string>;
  /** The Parameters and Secrets extension, for functions reading a secret at run time. */
  paramsAndSecrets?: lambda.ParamsAndSecretsLayerVersion;
}

export class AnsinhFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: AnsinhFunctionProps) {
    // Created before the function so it can be passed in; named after the function id in the tree.
    // Decree 53/2022 wants system logs kept for at least 12 months, so 13 leaves a margin. RETAIN (the
    // LogGroup default) keeps them even if the stack is deleted.
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logs.RetentionDays.THIRTEEN_MONTHS,
      encryptionKey: props.logKey,
    });

    // Our own role instead of the default one with the AWSLambdaBasicExecutionRole managed policy: that policy
    // may create and write any log group in the account; this role may only write to its own.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${Stack.of(scope).stackName}/${id}`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      description: props.description,
      entry: resolve(props.repoRoot, props.entry),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb ?? 512,
      timeout: Duration.seconds(props.timeoutSeconds ?? 30),
      tracing: lambda.Tracing.ACTIVE,
      ...(props.paramsAndSecrets ? { paramsAndSecrets: props.paramsAndSecrets } : {}),
      role,
      logGroup,
      projectRoot: props.repoRoot,
      depsLockFilePath: resolve(props.repoRoot, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: id,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: {
        // The build machine has no Docker: esbuild from node_modules does the bundling.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        // Paths and line numbers are enough for stack traces; leaving sources out keeps the package small.
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        // The nodejs24.x runtime ships AWS SDK v3; everything else (Powertools, zod, jose, middy) is bundled.
        externalModules: ['@aws-sdk/*'],
      },
    });
  }
}
