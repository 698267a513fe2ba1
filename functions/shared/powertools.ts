/**
 * One Logger, Metrics and Tracer per process, shared by every handler (the Powertools examples/app
 * pattern). Service name and namespace come from POWERTOOLS_* variables set by the CDK function defaults
 * and by the local runtime.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { piiReplacer } from './pii.js';

export const logger = new Logger({ jsonReplacerFn: piiReplacer });
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ansinh' });
export const tracer = new Tracer();
