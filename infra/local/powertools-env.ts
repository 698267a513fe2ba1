/**
 * Powertools settings of every in-process run (the local runtime, the tests, the benches): no traces, no
 * metrics. The X-Ray SDK (the tracer's) in automatic mode installs async hooks on every promise even with
 * tracing off (about 15 % of the CPU of a request), so it runs in manual mode. Set before any handler module
 * loads: the SDK reads it once, on import.
 */
export const LOCAL_POWERTOOLS_ENV = {
  POWERTOOLS_TRACE_ENABLED: 'false',
  AWS_XRAY_MANUAL_MODE: 'true',
  POWERTOOLS_METRICS_DISABLED: 'true',
} as const;
