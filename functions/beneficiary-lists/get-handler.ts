/** GET /v1/beneficiary-lists/{listId} — status and counts per outcome. */
import { z } from 'zod';
import { ListView } from '../../schemas/beneficiary-lists.js';
import { ListId } from '../../schemas/onboarding.js';
import { httpRoute } from '../shared/http.js';
import { readableList } from './access.js';
import { toListView } from './list-view.js';

export const handler = httpRoute({
  responses: { 200: ListView },
  params: z.object({ listId: ListId }),
  handle: async ({ principal, params }) => ({
    status: 200,
    body: toListView(await readableList(principal, params.listId)),
  }),
});
