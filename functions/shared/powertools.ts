/**
 * One Logger, Metrics and Tracer per process, shared by every handler (the Powertools examples/app
 * pattern). Service name and namespace come from POWERTOOLS_* variables set by the CDK function defaults
 * and by the local runtime. The handler wrappers set the Lambda context on every invocation
 * (injectLambdaContext); where invocations run concurrently in one process (locally, Lambda Managed
 * Instances) the runtime's InvokeStore keeps that context, and the temporary keys, per invocation.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { piiReplacer } from './pii.js';

export const logger = new Logger({ jsonReplacerFn: piiReplacer });
// Locally metrics are disabled and every function shares this process; their "nothing to publish"
// warnings would only be noise there.
const quietWhenDisabled =
  process.env.POWERTOOLS_METRICS_DISABLED === 'true'
    ? { logger: { ...console, warn: (...args: unknown[]) => logger.debug(String(args[0])) } }
    : {};
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ansinh',
  ...quietWhenDisabled,
});
export const tracer = new Tracer();
