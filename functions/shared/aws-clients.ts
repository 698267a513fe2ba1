/**
 * SDK clients, created once per process. Endpoints come from the SDK's own AWS_ENDPOINT_URL_<SERVICE>
 * variables, which the local runtime points at the emulators; on AWS they are unset.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from './powertools.js';

let ddb: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let sfn: SFNClient | undefined;
let s3: S3Client | undefined;

export function dynamo(): DynamoDBDocumentClient {
  ddb ??= DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return ddb;
}
export function queues(): SQSClient {
  sqs ??= tracer.captureAWSv3Client(new SQSClient({}));
  return sqs;
}
export function stepFunctions(): SFNClient {
  sfn ??= tracer.captureAWSv3Client(new SFNClient({}));
  return sfn;
}
export function objects(): S3Client {
  s3 ??= tracer.captureAWSv3Client(new S3Client({}));
  return s3;
}

/** A table's status (ACTIVE, …) for the health check: a question about the table, never about its data. */
export async function tableStatus(tableName: string): Promise<string | undefined> {
  const out = await dynamo().send(new DescribeTableCommand({ TableName: tableName }));
  return out.Table?.TableStatus;
}
