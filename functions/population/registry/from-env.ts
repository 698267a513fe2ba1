/** The population registry client of this container, from `ANSINH_REGISTRY_URL` (PLATFORM_SETTINGS). */
import { logger } from '../../shared/powertools.js';
import { HttpPopulationRegistry } from './registry-client.js';

let registry: HttpPopulationRegistry | undefined;

/** One client per container, so its circuit breaker remembers failures across invocations. */
export function populationRegistry(): HttpPopulationRegistry {
  const baseUrl = process.env.ANSINH_REGISTRY_URL;
  if (!baseUrl) throw new Error('ANSINH_REGISTRY_URL is not set');
  registry ??= new HttpPopulationRegistry({ baseUrl, log: (msg, extra) => logger.warn(msg, extra ?? {}) });
  return registry;
}
