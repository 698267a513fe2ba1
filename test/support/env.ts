// Runs before each test file, before any handler module builds its Powertools instances.
import fc from 'fast-check';
import { LOCAL_POWERTOOLS_ENV } from '../../infra/local/powertools-env.js';

Object.assign(process.env, LOCAL_POWERTOOLS_ENV);
process.env.POWERTOOLS_SERVICE_NAME = 'ansinh-test';
process.env.POWERTOOLS_LOG_LEVEL = process.env.ANSINH_TEST_LOG_LEVEL ?? 'WARN';

// A property interrupted by a time limit fails: it never passes on the runs it happened to finish.
fc.configureGlobal({ ...fc.readConfigureGlobal(), markInterruptAsFailure: true });
