import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from '@jest/globals';
import { buildCamt053, type CamtEntryInput, parseCamt053, writeCamt053 } from '../../../functions/iso20022/camt.js';
import { Iso20022Error } from '../../../functions/iso20022/errors.js';
import { parsePain002 } from '../../../functions/iso20022/pain002.js';
import { chunks, collect, errorOf } from './helpers.js';

const XXE = `<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>&xxe;</MsgId></GrpHdr></BkToCstmrStmt></Document>`;
const LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Document><CstmrPmtStsRpt><GrpHdr><MsgId>&lol9;</MsgId></GrpHdr></CstmrPmtStsRpt></Document>`;

describe('XML security', () => {
  it.each([
    ['XXE', XXE],
    ['billion laughs', LAUGHS],
    ['entity without DOCTYPE first', '<!ENTITY x "y"><Document/>'],
  ])('refuses %s with XML_DTD_FORBIDDEN, before any expansion', async (_n, xml) => {
    const e = await errorOf(collect(parseCamt053(chunks(xml, 3))));
    expect(e).toBeInstanceOf(Iso20022Error);
    expect(e.code).toBe('XML_DTD_FORBIDDEN');
    expect((await errorOf(parsePain002(xml))).code).toBe('XML_DTD_FORBIDDEN');
  });

  it('refuses undeclared entities, deep nesting, huge text and malformed XML', async () => {
    const doc = (inner: string) =>
      `<Document><BkToCstmrStmt><GrpHdr><MsgId>${inner}</MsgId></GrpHdr></BkToCstmrStmt></Document>`;
    expect((await errorOf(collect(parseCamt053(doc('&xxe;'))))).code).toBe('XML_MALFORMED');
    expect((await errorOf(collect(parseCamt053(doc('a & b'))))).code).toBe('XML_MALFORMED');
    const deep = `<Document><BkToCstmrStmt>${'<X>'.repeat(100)}${'</X>'.repeat(100)}</BkToCstmrStmt></Document>`;
    expect(await errorOf(collect(parseCamt053(deep)))).toMatchObject({ code: 'XML_TOO_DEEP', details: { limit: 64 } });
    expect((await errorOf(collect(parseCamt053(chunks(doc('x'.repeat(200_000)), 4096))))).code).toBe(
      'XML_TEXT_TOO_LONG',
    );
    expect((await errorOf(collect(parseCamt053(doc('x').replace('</MsgId>', '</MsgID>'))))).code).toBe('XML_MALFORMED');
    expect((await errorOf(collect(parseCamt053(doc('x').slice(0, -5))))).code).toBe('XML_MALFORMED');
    expect((await errorOf(collect(parseCamt053(new Uint8Array([0x3c, 0x44, 0xff, 0x3e]))))).code).toBe('XML_MALFORMED');
    expect((await errorOf(collect(parseCamt053(`<?xml version="1.0" encoding="ISO-8859-1"?>${doc('x')}`)))).code).toBe(
      'XML_ENCODING_UNSUPPORTED',
    );
    // character references and CDATA are fine
    await expect(
      parsePain002(
        '<Document><CstmrPmtStsRpt><GrpHdr><MsgId>A&#x26;B</MsgId></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId><![CDATA[<x>]]></OrgnlMsgId></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>',
      ),
    ).resolves.toMatchObject({ msgId: 'A&B', originalMsgId: '<x>' });
  });
});

const STATEMENT = {
  messageId: 'PERF-1',
  createdAt: '2026-02-02T23:00:00+07:00',
  statements: [
    {
      id: 'STMT-PERF',
      createdAt: '2026-02-02T23:00:00+07:00',
      account: { id: '1234567890' },
      openingBalance: { amountVnd: 0, date: '2026-02-02' },
      closingBalance: { amountVnd: 0, date: '2026-02-02' },
      entries: [] as CamtEntryInput[],
    },
  ],
};

const entry = (i: number): CamtEntryInput => ({
  amountVnd: 1_000_000 + (i % 997),
  creditDebit: 'DBIT',
  status: 'BOOK',
  bookingDate: '2026-02-02',
  valueDate: '2026-02-02',
  accountServicerRef: `REF${i}`,
  transactions: [
    { endToEndId: `E2E-${i}`, instructionId: `I-${i}`, amountVnd: 1_000_000 + (i % 997), creditorAccountId: `0${i}` },
  ],
});

/**
 * A large statement as bytes, 64 KiB at a time: the builder's own output for entry 1 is used as a template
 * (so the bytes are exactly what writeCamt053 produces) and the numbers are substituted per entry.
 */
async function* encodeStream(n: number): AsyncGenerator<Uint8Array> {
  const enc = new TextEncoder();
  const empty = [...writeCamt053(STATEMENT)].join('');
  const one = [
    ...writeCamt053({ ...STATEMENT, statements: [{ ...STATEMENT.statements[0], entries: [entry(1)] } as never] }),
  ].join('');
  const cut = empty.indexOf('    </Stmt>');
  const tmpl = one.slice(cut, one.indexOf('    </Stmt>'));
  const parts = tmpl.split(/(1000001|REF1|E2E-1|I-1|01)(?=<)/);
  yield enc.encode(empty.slice(0, cut));
  let pending = '';
  for (let i = 1; i <= n; i++) {
    const amount = String(1_000_000 + (i % 997));
    for (const p of parts)
      pending +=
        p === '1000001'
          ? amount
          : p === 'REF1'
            ? `REF${i}`
            : p === 'E2E-1'
              ? `E2E-${i}`
              : p === 'I-1'
                ? `I-${i}`
                : p === '01'
                  ? `0${i}`
                  : p;
    if (pending.length >= 64 * 1024) {
      yield enc.encode(pending);
      pending = '';
    }
  }
  yield enc.encode(pending + empty.slice(cut));
}

describe('writeCamt053 streams entries from any iterable', () => {
  it('yields pieces as it goes, identical to buildCamt053 and to the perf template', async () => {
    function* gen(): Generator<CamtEntryInput> {
      for (let i = 1; i <= 500; i++) yield entry(i);
    }
    const pieces = [
      ...writeCamt053({ ...STATEMENT, statements: [{ ...STATEMENT.statements[0], entries: gen() } as never] }),
    ];
    expect(pieces.length).toBeGreaterThan(5);
    const viaArray = buildCamt053({
      ...STATEMENT,
      statements: [
        { ...STATEMENT.statements[0], entries: Array.from({ length: 500 }, (_, i) => entry(i + 1)) } as never,
      ],
    });
    expect(pieces.join('')).toBe(viaArray);
    const dec = new TextDecoder();
    let templ = '';
    for await (const b of encodeStream(500)) templ += dec.decode(b);
    expect(templ).toBe(viaArray);
  });
});

describe('streaming a large camt.053', () => {
  // Retained heap after a full collection: what the parser keeps, not garbage the collector has yet to
  // reclaim (that depends on machine load). Speed is printed, not asserted: timings belong to benchmarks.
  const gc: () => void = (() => {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  })();

  it('parses 200,000 entries with retained heap that does not grow with the statement', async () => {
    const N = 200_000;
    gc();
    const before = process.memoryUsage().heapUsed;
    const retained: number[] = [];
    let count = 0;
    let sum = 0n;
    const t0 = performance.now();
    for await (const e of parseCamt053(encodeStream(N))) {
      if (e.type !== 'entry') continue;
      count++;
      sum += e.amount.minor;
      if (e.transactions[0]?.endToEndId !== `E2E-${count}`) throw new Error(`order broken at ${count}`);
      if (count % 50_000 === 0) {
        gc();
        retained.push((process.memoryUsage().heapUsed - before) / 1024 / 1024);
      }
    }
    const ms = performance.now() - t0;
    console.info(
      `camt.053 streaming: ${N} entries in ${Math.round(ms)} ms (template+encode+parse) = ${Math.round(N / (ms / 1000))} entries/s; retained heap at 50k…200k: ${retained.map((m) => m.toFixed(1)).join(' / ')} MB`,
    );
    expect(count).toBe(N);
    let expected = 0n;
    for (let i = 1; i <= N; i++) expected += BigInt(1_000_000 + (i % 997));
    expect(sum).toBe(expected);
    expect(Math.max(...retained)).toBeLessThan(20);
    // Flat: the last quarter of the statement adds (almost) nothing over the first.
    expect((retained.at(-1) ?? 0) - (retained[0] ?? 0)).toBeLessThan(5);
  });
});
