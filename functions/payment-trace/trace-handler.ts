/**
 * GET /v1/payments/{paymentId}/trace — one payment from the list row that enrolled the person to the bank line
 * that booked it, in order (trace-model.ts). Labour officers of the payee's province (a commune officer: of their
 * commune) and auditors; anyone else gets 404, like a payment that does not exist. No name, the identity number
 * and bank accounts masked.
 */
import { z } from 'zod';
import { PaymentTrace } from '../../schemas/payment-trace.js';
import { mayRead as mayReadCase } from '../cases/access.js';
import { httpRoute, notFound } from '../shared/http.js';
import { buildTrace } from './trace-model.js';
import { readTrace } from './trace-reader.js';

export const handler = httpRoute({
  responses: { 200: PaymentTrace },
  params: z.object({ paymentId: z.string().regex(/^[PR]\d{6}[A-Z2-7]{24}$/) }),
  handle: async ({ principal, params }) => {
    const input = await readTrace(params.paymentId);
    const province = String(input?.account?.jurisdiction ?? input?.cycle?.jurisdiction ?? '').slice(0, 2);
    const communeCode = String(input?.payment.communeCode ?? input?.account?.communeCode ?? '');
    // The officers who see the payment's case see its trace (a commune officer: their commune's payees).
    const mayRead = mayReadCase(principal, { jurisdiction: province, communeCode });
    if (!input || !mayRead) throw notFound();
    return { status: 200, body: buildTrace(input) };
  },
});
