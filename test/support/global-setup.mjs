// One in-memory DynamoDB Local (one JVM) for the whole run; each test file uses its own table prefix.
// Plain ESM loading TypeScript through tsx, because Jest runs global setup outside its transform pipeline.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { startDynamoDbLocal } = await tsImport('../../infra/local/dynamodb-local.ts', import.meta.url);
  const { freePort } = await tsImport('../../infra/local/free-port.ts', import.meta.url);
  const ddb = await startDynamoDbLocal({ port: await freePort() });
  globalThis.__ANSINH_DDB__ = ddb;
  process.env.ANSINH_TEST_DYNAMODB_ENDPOINT = ddb.endpoint;
}
