/** GET /v1/openapi.json and /v1/openapi.html: the API's own description (tools/openapi.ts generates it). */
import { z } from 'zod';

export const OpenApiDocument = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.looseObject({ operationId: z.string() }))),
});

export const API_PAGE_TYPES = ['text/html'] as const;
