/** Where a handler's resources live, read from the variables named by the system definition. */
import { envName } from './platform-env.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
}

export const resources = {
  table: (id: string) => required(envName.table(id)),
  queueUrl: (id: string) => required(envName.queueUrl(id)),
  deadLetterQueueUrl: (id: string) => required(envName.deadLetterQueueUrl(id)),
  stateMachineArn: (id: string) => required(envName.stateMachineArn(id)),
  bucket: (id: string) => required(envName.bucket(id)),
};
