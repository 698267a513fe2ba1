/** The codec layer's own rules, as every caller now gets them (functions/codecs/). */
import { describe, expect, test } from '@jest/globals';
import { strToU8, zipSync } from 'fflate';
import { chooseDelimiter, csvRecords } from '../../../functions/codecs/csv.js';
import { xlsxRecords } from '../../../functions/codecs/xlsx.js';
import { readXml, XmlError, type XmlSink } from '../../../functions/codecs/xml.js';

async function* bytes(s: string | Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  const b = typeof s === 'string' ? new TextEncoder().encode(s) : s;
  for (let o = 0; o < b.length; o += size) yield b.subarray(o, o + size);
}

async function failure(it: AsyncIterable<unknown>): Promise<{ code?: string }> {
  try {
    for await (const _ of it) {
    }
  } catch (e) {
    return e as { code?: string };
  }
  throw new Error('expected a failure');
}

const noSink: XmlSink = { open() {}, close() {} };

describe('XML tokenizer', () => {
  test.each([
    ['a DOCTYPE', 'XML_DTD_FORBIDDEN', '<!DOCTYPE a><a/>'],
    ['an ENTITY without DOCTYPE', 'XML_DTD_FORBIDDEN', '<!ENTITY x "y"><a/>'],
    ['an ATTLIST', 'XML_DTD_FORBIDDEN', '<a><!ATTLIST a b CDATA #IMPLIED></a>'],
    ['other <! markup', 'XML_MALFORMED', '<a><!bogus-markup/></a>'],
    ['a mismatched close tag', 'XML_MALFORMED', '<a><b></a>'],
    ['65 nested elements', 'XML_TOO_DEEP', `${'<a>'.repeat(65)}${'</a>'.repeat(65)}`],
    ['a 70,000-character text', 'XML_TEXT_TOO_LONG', `<a>${'x'.repeat(70_000)}</a>`],
    ['a 70,000-character attribute', 'XML_TEXT_TOO_LONG', `<a b="${'x'.repeat(70_000)}"/>`],
    ['a declared windows-1258', 'XML_ENCODING_UNSUPPORTED', '<?xml version="1.0" encoding="windows-1258"?><a/>'],
  ])('%s → %s, whatever the chunk size', async (_label, code, xml) => {
    for (const size of [3, 9, 1 << 20]) {
      const e = await failure(readXml(bytes(xml, size), noSink));
      expect(e).toBeInstanceOf(XmlError);
      expect(e.code).toBe(code);
    }
  });

  test('the caller builds the errors', async () => {
    const mine = new Error('mine');
    const errors = {
      dtdForbidden: () => mine,
      malformed: () => new Error('no'),
      tooDeep: () => new Error('no'),
      textTooLong: () => new Error('no'),
      encoding: () => new Error('no'),
    };
    expect(await failure(readXml('<!DOCTYPE a><a/>', noSink, {}, errors))).toBe(mine);
  });
});

describe('CSV codec', () => {
  const score = (records: readonly (readonly string[])[]) =>
    Math.max(0, ...records.map((r) => r.filter((c) => c === 'id' || c === 'name').length));

  test('one chooser: the delimiter under which the caller scores the header best', () => {
    expect(chooseDelimiter('x;y,z\nid;name\n', 1000, score, 20)).toBe(';');
    expect(chooseDelimiter('id\tname\n1\ta;b,c\n', 1000, score, 20)).toBe('\t');
    expect(chooseDelimiter('nothing here\n', 1000, score, 20)).toBe(',');
  });

  test('a sep= line counts in the record numbers only when the caller says so', async () => {
    const text = 'sep=;\nid;name\n1;a\n';
    const lines = async (countSepLine: boolean) => {
      const out: number[] = [];
      const options = { maxFileBytes: 1 << 20, maxRecordChars: 1000, headerScore: score, searchRecords: 20 };
      for await (const r of csvRecords(bytes(text), { ...options, countSepLine })) out.push(r.line);
      return out;
    };
    expect(await lines(false)).toEqual([1, 2]);
    expect(await lines(true)).toEqual([2, 3]);
  });
});

describe('XLSX codec on the one tokenizer', () => {
  const wb = '<workbook><sheets><sheet name="a" r:id="rId1"/></sheets></workbook>';
  const rels =
    '<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>';
  const zip = (sheet: string) =>
    zipSync({
      'xl/workbook.xml': strToU8(wb),
      'xl/_rels/workbook.xml.rels': strToU8(rels),
      'xl/worksheets/sheet1.xml': strToU8(sheet),
    });

  test('nesting beyond the depth limit, and a mismatched close tag, are a damaged file', async () => {
    const deep = `<worksheet><sheetData>${'<x>'.repeat(100)}${'</x>'.repeat(100)}</sheetData></worksheet>`;
    expect((await failure(xlsxRecords(bytes(zip(deep), 512)))).code).toBe('XLSX_CORRUPT');
    const mismatched = '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></row></c></sheetData></worksheet>';
    expect((await failure(xlsxRecords(bytes(zip(mismatched), 512)))).code).toBe('XLSX_CORRUPT');
  });

  test('cell text is decoded once (entities, then OOXML escapes)', async () => {
    const sheet =
      '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a &amp; b_x000D_c &lt;d&gt;</t></is></c></row></sheetData></worksheet>';
    const rows = [];
    for await (const r of xlsxRecords(bytes(zip(sheet), 512))) rows.push(r);
    expect(rows).toEqual([{ line: 1, cells: ['a & b\rc <d>'] }]);
  });
});
