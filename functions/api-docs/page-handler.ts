/**
 * GET /v1/openapi.html — the OpenAPI document (GET /v1/openapi.json) as a page people read, Vietnamese first,
 * English alongside. Self-contained: no script, nothing loaded from anywhere else.
 */
import { API_PAGE_TYPES } from '../../schemas/api-docs.js';
import document from '../../schemas/openapi.json' with { type: 'json' };
import { httpRoute } from '../shared/http.js';
import { type ApiDocument, renderApiPage } from './page.js';

/** Rendered once per container: the document is part of the bundle and never changes while it runs. */
let page: Buffer | undefined;

export const handler = httpRoute({
  responses: { 200: { file: API_PAGE_TYPES } },
  handle: async () => {
    page ??= Buffer.from(renderApiPage(document as unknown as ApiDocument), 'utf8');
    return {
      status: 200,
      body: page,
      headers: {
        'content-type': `${API_PAGE_TYPES[0]}; charset=utf-8`,
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
      },
    };
  },
});
