// Runs before each test file, before any handler module builds its Powertools instances.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.POWERTOOLS_SERVICE_NAME = 'ansinh-test';
process.env.POWERTOOLS_LOG_LEVEL = process.env.ANSINH_TEST_LOG_LEVEL ?? 'WARN';
