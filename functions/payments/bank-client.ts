/**
 * The bank rail over HTTP: pain.001 files in, pain.002 statuses out. A timeout or 5xx is thrown (the caller
 * retries with the same MsgId and the same bytes); a 409 DU01 means the bank already holds the file, which
 * is the answer to "did it arrive before we crashed?".
 */
import { buildAcmt023, parseAcmt024, type VerificationReport, type VerificationRequest } from '../iso20022/acmt.js';

/** How long one call to the bank may take (read per call: tests shorten it). */
export const bankTimeoutMs = (): number => Number(process.env.ANSINH_BANK_TIMEOUT_MS ?? 10_000);

function bankUrl(): string {
  const url = process.env.ANSINH_BANK_URL;
  if (!url) throw new Error('ANSINH_BANK_URL is not set');
  return url.replace(/\/$/, '');
}

export class BankUnavailableError extends Error {
  override name = 'BankUnavailable';
}

export type SubmitOutcome = 'RECEIVED' | 'ALREADY_RECEIVED';

export async function submitPain001(xml: string): Promise<SubmitOutcome> {
  let res: Response;
  try {
    res = await fetch(`${bankUrl()}/iso20022/pain.001`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml; charset=utf-8' },
      body: xml,
      signal: AbortSignal.timeout(bankTimeoutMs()),
    });
  } catch (err) {
    throw new BankUnavailableError(`bank did not answer: ${(err as Error).name}`);
  }
  const body = await res.text();
  if (res.status === 202 || res.status === 200) return 'RECEIVED';
  if (res.status === 409 && body.includes('DU01')) return 'ALREADY_RECEIVED';
  if (res.status >= 500 || res.status === 429) throw new BankUnavailableError(`bank answered ${res.status}`);
  throw new Error(`bank refused the file: HTTP ${res.status}`);
}

/**
 * The bank's status of a whole pain.001 message (or of one of its PmtInf blocks), as one pain.002 listing every
 * transaction it holds: what the settlement cut-off asks, one request per message rather than per payment.
 * Undefined when the bank never received the message (404); a timeout or 5xx is BankUnavailableError.
 */
export async function queryMessageStatus(msgId: string, pmtInfId?: string): Promise<string | undefined> {
  const query = pmtInfId === undefined ? '' : `?pmtInfId=${encodeURIComponent(pmtInfId)}`;
  let res: Response;
  try {
    res = await fetch(`${bankUrl()}/iso20022/messages/${encodeURIComponent(msgId)}${query}`, {
      signal: AbortSignal.timeout(bankTimeoutMs()),
    });
  } catch (err) {
    throw new BankUnavailableError(`bank did not answer: ${(err as Error).name}`);
  }
  if (res.status === 404) return undefined;
  if (!res.ok) throw new BankUnavailableError(`bank answered ${res.status}`);
  return res.text();
}

/** Debit/credit notifications (camt.054) booked since `since`: returns arrive here. Undefined when none. */
export async function fetchNotifications(since: string): Promise<string | undefined> {
  const res = await fetch(`${bankUrl()}/iso20022/camt.054?since=${encodeURIComponent(since)}`, {
    signal: AbortSignal.timeout(bankTimeoutMs()),
  });
  if (res.status === 204 || res.status === 404) return undefined;
  if (!res.ok) throw new BankUnavailableError(`bank answered ${res.status}`);
  return res.text();
}

/**
 * Asks the holder's bank whether an account exists and is held by the named person (acmt.023 → acmt.024).
 * A timeout or 5xx is BankUnavailableError: the officer confirms again later, nothing changed.
 */
export async function verifyAccount(request: VerificationRequest): Promise<VerificationReport> {
  let res: Response;
  try {
    res = await fetch(`${bankUrl()}/iso20022/acmt.023`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml; charset=utf-8' },
      body: buildAcmt023(request),
      signal: AbortSignal.timeout(bankTimeoutMs()),
    });
  } catch (err) {
    throw new BankUnavailableError(`bank did not answer: ${(err as Error).name}`);
  }
  const body = await res.text();
  if (res.status >= 500 || res.status === 429) throw new BankUnavailableError(`bank answered ${res.status}`);
  if (!res.ok) throw new Error(`bank refused the verification: HTTP ${res.status}`);
  return parseAcmt024(body);
}
