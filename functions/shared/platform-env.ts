/**
 * The contract between the deployment and the functions: the environment variables through which the CDK
 * stack and the local runtime (both built from infra/system.ts) tell a function where its resources live,
 * which roles each of its routes admits, and the platform settings it declared. Runtime code reads these
 * and never imports the definition, so a Lambda bundle does not carry the whole deployment.
 */
import type { RoleId } from '../../schemas/roles.js';

const constant = (id: string) => id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** Environment variable names that tell a handler where a resource lives (same on AWS and locally). */
export const envName = {
  table: (id: string) => `TABLE_${constant(id)}`,
  queueUrl: (id: string) => `QUEUE_${constant(id)}_URL`,
  deadLetterQueueUrl: (id: string) => `QUEUE_${constant(id)}_DLQ_URL`,
  stateMachineArn: (id: string) => `STATE_MACHINE_${constant(id)}_ARN`,
  bucket: (id: string) => `BUCKET_${constant(id)}`,
};

/** Settings from outside the system (CDK context on AWS, the local runtime locally), by env variable. */
export const PLATFORM_SETTINGS = {
  /** Base URL of the population registry (national population database) batch look-up API. */
  populationRegistryUrl: 'ANSINH_REGISTRY_URL',
  /** Base URL of the bank's ISO 20022 endpoint (pain.001 in, pain.002 statuses, camt statements). */
  bankUrl: 'ANSINH_BANK_URL',
  /** Secrets Manager id of the secret the bank signs its callbacks with; read at run time, never deployed as a value. */
  bankCallbackSecretId: 'ANSINH_BANK_CALLBACK_SECRET_ID',
  /** Local runtime only: the callback secret itself (the bank simulator's), where no Secrets Manager exists. */
  bankCallbackSecret: 'ANSINH_BANK_CALLBACK_SECRET',
  /** Where beneficiary notifications go: the local simulator's URL, or `aws-sms` (functions/notifications/port.ts). */
  notificationsUrl: 'ANSINH_NOTIFICATIONS_URL',
} as const;
export type PlatformSetting = keyof typeof PLATFORM_SETTINGS;

/** `GET /v1/x/{id}` → API Gateway route key. */
export const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

/** JSON of {@link RouteRoles}: the routes a function serves (locally: every route) and who may call each. */
export const ROUTE_ROLES_VARIABLE = 'ANSINH_ROUTE_ROLES';
/** Route key → the roles it admits, or `public` (no token needed). */
export type RouteRoles = Record<string, RoleId[] | 'public'>;

export function routeRolesOf(routes: { method: string; path: string; roles: RoleId[] | 'public' }[]): string {
  return JSON.stringify(Object.fromEntries(routes.map((r) => [routeKey(r), r.roles])));
}

/** JSON of {@link Components}, for the function that describes every component (the health check). */
export const COMPONENTS_VARIABLE = 'ANSINH_COMPONENTS';
export interface Components {
  service: string;
  tables: string[];
  queues: string[];
  buckets: string[];
  stateMachines: string[];
}

export function componentsOf(sys: {
  name: string;
  tables: object;
  queues: object;
  buckets: object;
  stateMachines: object;
}): string {
  const components: Components = {
    service: sys.name,
    tables: Object.keys(sys.tables),
    queues: Object.keys(sys.queues),
    buckets: Object.keys(sys.buckets),
    stateMachines: Object.keys(sys.stateMachines),
  };
  return JSON.stringify(components);
}
