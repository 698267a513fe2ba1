/**
 * pain.001.001.09 Customer Credit Transfer Initiation for one paying account (commune / treasury) and N
 * payments in VND. Deterministic: the same batch always yields the byte-identical XML (CreDtTm is the
 * caller's, nothing reads the clock, PmtInf blocks are ordered by execution date and transactions keep the
 * input order), so a resubmission after a timeout is the very same message (banks refuse a reused MsgId
 * with DU01 instead of paying twice).
 */
import { vndAmount } from './amounts.js';
import { isoErrors } from './errors.js';
import { isValidDate, isValidDateTime, Problems, toBankName, toBankText, XmlWriter } from './text.js';

export const PAIN001_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';

export interface Pain001Agent {
  /** BIC (8 or 11 characters), written as FinInstnId/BICFI. */
  bic?: string;
  /** 6-digit NAPAS BIN, written as FinInstnId/ClrSysMmbId (ClrSysId/Prtry NAPAS, MmbId BIN). */
  napasBin?: string;
}

export interface Pain001Transaction {
  /** PmtId/InstrId, ≤ 35, unique in the batch. */
  instructionId: string;
  /** PmtId/EndToEndId, ≤ 35, unique in the batch; returned in pain.002 / camt.054 for matching. */
  endToEndId: string;
  /** Integer dong, 1 ≤ amount ≤ 999,999,999,999,999. */
  amountVnd: number | bigint;
  /** yyyy-mm-dd; transactions are grouped into one PmtInf per date. */
  requestedExecutionDate: string;
  creditor: {
    /** Any Vietnamese spelling; written ASCII upper case without diacritics, ≤ 140 after conversion. */
    name: string;
    /** Account number as in VietQR: 1..19 letters/digits. */
    accountId: string;
    /** 6-digit NAPAS BIN of the creditor's bank or wallet. */
    napasBin: string;
  };
  /** RmtInf/Ustrd; converted to ASCII without diacritics, ≤ 140 after conversion. */
  remittanceInformation?: string;
}

export interface Pain001Batch {
  /** GrpHdr/MsgId, ≤ 35, unique per message (caller-provided). */
  messageId: string;
  /** GrpHdr/CreDtTm, ISO date-time (caller-provided; never the clock). */
  createdAt: string;
  /** GrpHdr/InitgPty/Nm; defaults to the debtor name. */
  initiatingPartyName?: string;
  debtor: {
    name: string;
    /** DbtrAcct/Id/Othr/Id, 1..34 letters/digits. */
    accountId: string;
    agent: Pain001Agent;
  };
  /** PmtTpInf/CtgyPurp/Cd (default SSBE, social security benefit); null to omit PmtTpInf. */
  categoryPurpose?: string | null;
  /** PmtInf/BtchBookg: true = one debit per PmtInf on the paying account (default: omitted). */
  batchBooking?: boolean;
  /** PmtInfId per execution date; default `<MsgId truncated to 26>-<yyyymmdd>`. */
  paymentInfoIds?: Readonly<Record<string, string>>;
  /** Optional allow-list of NAPAS BINs (e.g. from banks.json); unknown BINs are problems. */
  knownBins?: ReadonlySet<string>;
  transactions: readonly Pain001Transaction[];
}

const BIC = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
const BIN = /^\d{6}$/;
const ACCOUNT = /^[A-Za-z0-9]{1,19}$/;
const DEBTOR_ACCOUNT = /^[A-Za-z0-9]{1,34}$/;

interface CheckedTx {
  instructionId: string;
  endToEndId: string;
  amount: bigint;
  date: string;
  name: string;
  accountId: string;
  bin: string;
  remittance: string | undefined;
}

/** The largest CtrlSum the schema allows (DecimalNumber, totalDigits 18; VND has no decimals). */
export const MAX_CONTROL_SUM = 999_999_999_999_999_999n;

/** The default PmtInfId for an execution date. */
export function defaultPaymentInfoId(messageId: string, date: string): string {
  return `${messageId.slice(0, 26)}-${date.replace(/-/g, '')}`;
}

function checkBin(
  p: Problems,
  path: string,
  value: unknown,
  known: ReadonlySet<string> | undefined,
): string | undefined {
  const bin = p.pattern(path, value, BIN, 'mã BIN NAPAS phải gồm 6 chữ số', 'NAPAS BIN must be 6 digits');
  if (bin !== undefined && known && !known.has(bin)) {
    p.add('FIELD_INVALID', path, 'mã BIN NAPAS không có trong danh sách ngân hàng', 'NAPAS BIN is not a known bank');
    return undefined;
  }
  return bin;
}

/** Builds the pain.001.001.09 XML, or throws Iso20022Error INVALID_INPUT listing every problem. */
export function buildPain001(batch: Pain001Batch): string {
  const p = new Problems();
  const msgId = p.id('messageId', batch.messageId, 35);
  if (!isValidDateTime(batch.createdAt))
    p.add('FIELD_INVALID', 'createdAt', 'phải là ngày giờ ISO 8601', 'must be an ISO 8601 date-time');
  const debtor = batch.debtor ?? ({} as Pain001Batch['debtor']);
  const debtorName = p.text('debtor.name', debtor.name, 140, toBankName);
  const initName =
    batch.initiatingPartyName === undefined
      ? debtorName
      : p.text('initiatingPartyName', batch.initiatingPartyName, 140, toBankName);
  const debtorAccount = p.pattern(
    'debtor.accountId',
    debtor.accountId,
    DEBTOR_ACCOUNT,
    'số tài khoản gồm 1-34 chữ cái/chữ số',
    'account id must be 1-34 letters/digits',
  );
  const agent = debtor.agent ?? {};
  let debtorBic: string | undefined;
  let debtorBin: string | undefined;
  if (agent.bic === undefined && agent.napasBin === undefined) p.missing('debtor.agent');
  if (agent.bic !== undefined)
    debtorBic = p.pattern('debtor.agent.bic', agent.bic, BIC, 'mã BIC không hợp lệ', 'not a valid BIC');
  if (agent.napasBin !== undefined) debtorBin = checkBin(p, 'debtor.agent.napasBin', agent.napasBin, batch.knownBins);
  const purpose =
    batch.categoryPurpose === null
      ? undefined
      : p.pattern(
          'categoryPurpose',
          batch.categoryPurpose ?? 'SSBE',
          /^[A-Z0-9]{1,4}$/,
          'mã mục đích gồm 1-4 chữ in hoa/chữ số',
          'category purpose code is 1-4 upper-case letters/digits',
        );

  const txs: CheckedTx[] = [];
  const seenE2E = new Map<string, number>();
  const seenInstr = new Map<string, number>();
  const list = Array.isArray(batch.transactions) ? batch.transactions : [];
  if (list.length === 0) p.missing('transactions');
  list.forEach((t, i) => {
    const at = `transactions[${i}]`;
    const instructionId = p.id(`${at}.instructionId`, t.instructionId, 35);
    const endToEndId = p.id(`${at}.endToEndId`, t.endToEndId, 35);
    for (const [id, seen, field] of [
      [endToEndId, seenE2E, 'endToEndId'],
      [instructionId, seenInstr, 'instructionId'],
    ] as const) {
      if (id === undefined) continue;
      const first = seen.get(id);
      if (first !== undefined)
        p.add(
          'DUPLICATE_ID',
          `${at}.${field}`,
          `trùng với transactions[${first}]`,
          `duplicates transactions[${first}]`,
        );
      else seen.set(id, i);
    }
    const amount = vndAmount(t.amountVnd);
    if (typeof amount === 'string')
      p.add('AMOUNT_INVALID', `${at}.amountVnd`, 'số tiền phải là số nguyên đồng dương', `invalid amount: ${amount}`);
    const date = isValidDate(t.requestedExecutionDate) ? t.requestedExecutionDate : undefined;
    if (date === undefined)
      p.add('FIELD_INVALID', `${at}.requestedExecutionDate`, 'phải là ngày yyyy-mm-dd', 'must be a yyyy-mm-dd date');
    const c = t.creditor ?? ({} as Pain001Transaction['creditor']);
    const name = p.text(`${at}.creditor.name`, c.name, 140, toBankName);
    const accountId = p.pattern(
      `${at}.creditor.accountId`,
      c.accountId,
      ACCOUNT,
      'số tài khoản gồm 1-19 chữ cái/chữ số (VietQR)',
      'account number must be 1-19 letters/digits (VietQR)',
    );
    if (typeof c.accountId === 'string' && c.accountId.length > 19)
      p.add('FIELD_TOO_LONG', `${at}.creditor.accountId`, 'dài quá 19 ký tự', 'longer than 19 characters');
    const bin = checkBin(p, `${at}.creditor.napasBin`, c.napasBin, batch.knownBins);
    const remittance = p.text(`${at}.remittanceInformation`, t.remittanceInformation, 140, toBankText, false);
    if (
      instructionId !== undefined &&
      endToEndId !== undefined &&
      typeof amount === 'bigint' &&
      date !== undefined &&
      name !== undefined &&
      accountId !== undefined &&
      bin !== undefined
    )
      txs.push({ instructionId, endToEndId, amount, date, name, accountId, bin, remittance });
  });

  // group by date (ascending), keep input order inside a group
  const groups = new Map<string, CheckedTx[]>();
  for (const t of txs) {
    const g = groups.get(t.date);
    if (g) g.push(t);
    else groups.set(t.date, [t]);
  }
  const dates = [...groups.keys()].sort();
  const pmtInfIds = new Map<string, string>();
  const seenPmtInf = new Set<string>();
  for (const d of dates) {
    const explicit = batch.paymentInfoIds?.[d];
    const id =
      explicit !== undefined
        ? p.id(`paymentInfoIds.${d}`, explicit, 35)
        : msgId !== undefined
          ? defaultPaymentInfoId(msgId, d)
          : undefined;
    if (id === undefined) continue;
    if (seenPmtInf.has(id)) p.add('DUPLICATE_ID', `paymentInfoIds.${d}`, 'trùng mã PmtInfId', 'duplicate PmtInfId');
    seenPmtInf.add(id);
    pmtInfIds.set(d, id);
  }

  // CtrlSum is a DecimalNumber of at most 18 digits: a file whose total needs more is refused, never written
  // (each block's sum is at most the whole file's).
  const total = txs.reduce((s, t) => s + t.amount, 0n);
  if (total > MAX_CONTROL_SUM)
    p.add(
      'AMOUNT_INVALID',
      'transactions',
      `tổng tiền (CtrlSum) ${total} vượt quá 18 chữ số của lược đồ; hãy chia thành nhiều tệp`,
      `the control sum ${total} exceeds the schema's 18 digits; split the payments over several files`,
    );

  if (p.list.length > 0) throw isoErrors.invalidInput('pain.001', p.list);

  const w = new XmlWriter('Document', PAIN001_NAMESPACE);
  w.open('CstmrCdtTrfInitn');
  w.open('GrpHdr')
    .leaf('MsgId', msgId)
    .leaf('CreDtTm', batch.createdAt)
    .leaf('NbOfTxs', String(txs.length))
    .leaf('CtrlSum', total.toString())
    .open('InitgPty')
    .leaf('Nm', initName)
    .close('InitgPty')
    .close('GrpHdr');
  for (const d of dates) {
    const g = groups.get(d) as CheckedTx[];
    w.open('PmtInf')
      .leaf('PmtInfId', pmtInfIds.get(d))
      .leaf('PmtMtd', 'TRF')
      .leaf('BtchBookg', batch.batchBooking === undefined ? undefined : String(batch.batchBooking))
      .leaf('NbOfTxs', String(g.length))
      .leaf('CtrlSum', g.reduce((s, t) => s + t.amount, 0n).toString());
    if (purpose !== undefined)
      w.open('PmtTpInf').open('CtgyPurp').leaf('Cd', purpose).close('CtgyPurp').close('PmtTpInf');
    w.open('ReqdExctnDt').leaf('Dt', d).close('ReqdExctnDt');
    w.open('Dbtr').leaf('Nm', debtorName).close('Dbtr');
    w.open('DbtrAcct').open('Id').open('Othr').leaf('Id', debtorAccount).close('Othr').close('Id');
    w.leaf('Ccy', 'VND').close('DbtrAcct');
    w.open('DbtrAgt').open('FinInstnId').leaf('BICFI', debtorBic);
    if (debtorBin !== undefined) napas(w, debtorBin);
    w.close('FinInstnId').close('DbtrAgt');
    // beneficiaries must receive the full benefit: all charges are borne by the paying account
    w.leaf('ChrgBr', 'DEBT');
    for (const t of g) {
      w.open('CdtTrfTxInf');
      w.open('PmtId').leaf('InstrId', t.instructionId).leaf('EndToEndId', t.endToEndId).close('PmtId');
      w.open('Amt').leaf('InstdAmt', t.amount.toString(), { Ccy: 'VND' }).close('Amt');
      w.open('CdtrAgt').open('FinInstnId');
      napas(w, t.bin);
      w.close('FinInstnId').close('CdtrAgt');
      w.open('Cdtr').leaf('Nm', t.name).close('Cdtr');
      w.open('CdtrAcct').open('Id').open('Othr').leaf('Id', t.accountId).close('Othr').close('Id').close('CdtrAcct');
      if (t.remittance !== undefined) w.open('RmtInf').leaf('Ustrd', t.remittance).close('RmtInf');
      w.close('CdtTrfTxInf');
    }
    w.close('PmtInf');
  }
  w.close('CstmrCdtTrfInitn');
  return w.finish('Document');
}

function napas(w: XmlWriter, bin: string): void {
  w.open('ClrSysMmbId')
    .open('ClrSysId')
    .leaf('Prtry', 'NAPAS')
    .close('ClrSysId')
    .leaf('MmbId', bin)
    .close('ClrSysMmbId');
}
