// Runs before each test file, before any handler module builds its Powertools instances.
import fc from 'fast-check';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
// Without traces, the X-Ray SDK's automatic mode is only async hooks on every promise (infra/local/runtime.ts).
process.env.AWS_XRAY_MANUAL_MODE = 'true';
process.env.POWERTOOLS_SERVICE_NAME = 'ansinh-test';
process.env.POWERTOOLS_LOG_LEVEL = process.env.ANSINH_TEST_LOG_LEVEL ?? 'WARN';

// A property interrupted by a time limit fails: it never passes on the runs it happened to finish.
fc.configureGlobal({ ...fc.readConfigureGlobal(), markInterruptAsFailure: true });
