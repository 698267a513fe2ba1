/** GET /v1/health: public, and it reveals no data: only component names, states and timings. */
import { z } from 'zod';

export const Health = z.object({
  status: z.enum(['up', 'down']),
  service: z.string(),
  checkedAt: z.iso.datetime(),
  components: z.array(
    z.object({
      component: z.string(),
      status: z.enum(['up', 'down']),
      latencyMs: z.number().int().nonnegative(),
      detail: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});
