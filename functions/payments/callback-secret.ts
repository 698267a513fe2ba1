/**
 * The bank's callback secret, read at run time, never a deploy-time environment value. On AWS it comes from
 * Secrets Manager through the AWS Parameters and Secrets Lambda Extension (localhost:2773, no SDK in the
 * bundle), cached here for a few minutes; a rotated secret is picked up without a deploy: when the cache
 * expires, or at once when a signature fails against a cached value (read again at most every 30 s, so
 * forged requests cannot hammer Secrets Manager). Locally the same port answers from the environment.
 */
import { PLATFORM_SETTINGS } from '../shared/platform-env.js';

const CACHE_MS = 5 * 60_000;
const REFRESH_AFTER_FAILURE_MS = 30_000;

export interface SecretSource {
  /** The current secret, cached. `fresh` asks for a new read (after a failed signature), rate-limited. */
  get(opts?: { fresh?: boolean }): Promise<string | undefined>;
}

/** Secrets Manager through the Parameters and Secrets extension (its own cache sits behind this one). */
export function extensionSecret(secretId: string, now: () => number = Date.now): SecretSource {
  let cached: { value: string; at: number } | undefined;
  return {
    async get(opts = {}) {
      const age = cached ? now() - cached.at : Number.POSITIVE_INFINITY;
      if (cached && age < CACHE_MS && !(opts.fresh && age > REFRESH_AFTER_FAILURE_MS)) return cached.value;
      const port = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
      const res = await fetch(
        `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}${opts.fresh ? '&refresh=true' : ''}`,
        { headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' } },
      );
      if (!res.ok) throw new Error(`secret ${secretId}: extension answered ${res.status}`);
      const body = (await res.json()) as { SecretString?: string };
      if (!body.SecretString) throw new Error(`secret ${secretId} has no string value`);
      cached = { value: body.SecretString, at: now() };
      return cached.value;
    },
  };
}

/** The local runtime (and tests): the secret the bank simulator signs with, from the environment. */
export const environmentSecret: SecretSource = {
  get: async () => process.env[PLATFORM_SETTINGS.bankCallbackSecret] || undefined,
};

let source: SecretSource | undefined;
export function callbackSecret(): SecretSource {
  const id = process.env[PLATFORM_SETTINGS.bankCallbackSecretId];
  source ??= id ? extensionSecret(id) : environmentSecret;
  return source;
}
