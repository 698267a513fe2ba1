/**
 * POST /v1/accounts/{accountNumber}/payment-method/{changeId}/confirm — a second labour officer of the
 * province confirms a proposed payment-method change. Not the proposer (409 SAME_PERSON); not if the account
 * changed since the proposal (409 ACCOUNT_CHANGED). A bank account is verified with the holder's bank first
 * (acmt.023 → acmt.024): only a match (a close name under the Vietnamese name rules counts) applies it; no
 * match, closed or unknown refuses the proposal for good (422, audited) and the account stays as it was.
 */
import { z } from 'zod';
import { ConfirmedPaymentMethodChange } from '../../schemas/accounts.js';
import { BankUnavailableError, verifyAccount } from '../payments/bank-client.js';
import { HttpError, httpRoute, notFound } from '../shared/http.js';
import { logger } from '../shared/powertools.js';
import { accountInProvince } from './access.js';
import { isValidAccountNumber } from './account-number.js';
import { AccountChangedError, confirmPaymentMethod, getMethodChange, refusePaymentMethod } from './account-store.js';
import { VERIFICATION_MESSAGES, verificationOutcome } from './account-verification.js';
import { changeView } from './payment-method-handler.js';

const conflict = (code: string, vi: string, en: string) => new HttpError(409, code, { vi, en });

export const handler = httpRoute({
  responses: { 200: ConfirmedPaymentMethodChange },
  params: z.object({
    accountNumber: z.string().refine(isValidAccountNumber),
    changeId: z.string().regex(/^pm-[0-9a-f]{16}$/),
  }),
  handle: async ({ principal, params, requestId }) => {
    const account = await accountInProvince(principal, params.accountNumber);
    const change = await getMethodChange(account, params.changeId);
    if (!change) throw notFound();
    const me = principal?.subject as string;
    if (change.status !== 'PROPOSED') {
      throw conflict('ALREADY_DECIDED', 'Đề xuất này đã được xử lý.', 'This proposal was already decided.');
    }
    if (change.proposedBy === me) {
      throw conflict(
        'SAME_PERSON',
        'Người xác nhận phải khác người đề xuất.',
        'The confirming officer must be someone other than the one who proposed it.',
      );
    }
    if (account.version !== change.baseVersion) {
      throw conflict(
        'ACCOUNT_CHANGED',
        'Tài khoản đã thay đổi sau khi đề xuất; hãy đề xuất lại.',
        'The account changed after the proposal; propose again.',
      );
    }
    let verification: string | undefined;
    if (change.method.kind === 'BANK') {
      let report: Awaited<ReturnType<typeof verifyAccount>>;
      try {
        report = await verifyAccount({
          msgId: `V${requestId.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}${Date.now().toString(36)}`.slice(0, 35),
          createdAt: new Date().toISOString(),
          id: change.changeId,
          holderName: account.fullName,
          bankBin: change.method.bankBin ?? '',
          accountNumber: change.method.bankAccountNumber ?? '',
        });
      } catch (err) {
        if (!(err instanceof BankUnavailableError)) throw err;
        throw new HttpError(503, 'BANK_UNAVAILABLE', {
          vi: 'Ngân hàng chưa trả lời yêu cầu xác minh tài khoản; hãy xác nhận lại sau. Chưa có gì thay đổi.',
          en: 'The bank did not answer the account verification; confirm again later. Nothing changed.',
        });
      }
      const outcome = verificationOutcome(report, account.fullName);
      verification = outcome;
      if (outcome !== 'MATCH') {
        await refusePaymentMethod(account, change, me, outcome);
        logger.info('Payment method change refused by the bank verification', { changeId: change.changeId, outcome });
        throw new HttpError(422, `ACCOUNT_VERIFICATION_${outcome}`, VERIFICATION_MESSAGES[outcome], {
          verification: outcome,
        });
      }
    }
    try {
      const updated = await confirmPaymentMethod(account, change, me, verification);
      return {
        status: 200,
        body: {
          ...changeView({
            ...change,
            status: 'CONFIRMED',
            decidedBy: me,
            decidedAt: updated.updatedAt,
            ...(verification ? { verification } : {}),
          }),
          version: updated.version,
        },
      };
    } catch (err) {
      if (err instanceof AccountChangedError) {
        throw conflict(
          'CONCURRENT_CHANGE',
          'Tài khoản hoặc đề xuất vừa được người khác thay đổi; hãy thử lại.',
          'The account or the proposal was changed by someone else; try again.',
        );
      }
      throw err;
    }
  },
});
