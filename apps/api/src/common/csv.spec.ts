import { parse } from 'csv-parse/sync';
import { csvDisposition, neutraliseFormula, toCsv } from './csv';

function rowsOf(csv: string): string[][] {
  return parse(csv.replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][];
}

describe('the CSV of every export', () => {
  it('starts with a byte order mark and separates cells with semicolons, lines with CRLF', () => {
    const csv = toCsv(['a', 'b'], [['1', '2']]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1)).toBe('a;b\r\n1;2\r\n');
  });

  it.each(['=HYPERLINK("http://evil.example","klik")', '+31 6 1234', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])(
    'keeps %j as text a spreadsheet will not run',
    (value) => {
      const [, [cell]] = rowsOf(toCsv(['title'], [[value]])) as [string[], string[]];
      expect(cell).toBe(`'${value}`);
      expect(cell!.startsWith("'")).toBe(true);
    },
  );

  it('leaves ordinary text, numbers and empty cells as they are', () => {
    expect(neutraliseFormula('Nepbericht over stemmen')).toBe('Nepbericht over stemmen');
    const [, row] = rowsOf(toCsv(['a', 'b', 'c', 'd'], [['tekst', 12.5, null, -3]])) as [string[], string[]];
    expect(row).toEqual(['tekst', '12.5', '', '-3']);
  });

  it('quotes cells with separators, quotes and line breaks so they read back whole', () => {
    const value = 'een; twee "drie"\nvier';
    const [, [cell]] = rowsOf(toCsv(['x'], [[value]])) as [string[], string[]];
    expect(cell).toBe(value);
  });

  it('keeps Dutch and other text in UTF-8', () => {
    const csv = toCsv(['gemeente'], [["'s-Gravenhage"], ['Súdwest-Fryslân']]);
    expect(Buffer.from(csv, 'utf8').toString('utf8')).toContain('Súdwest-Fryslân');
  });

  it('names a download without characters a header cannot carry', () => {
    expect(csvDisposition('audit 2026/12"x')).toBe('attachment; filename="audit_2026_12_x.csv"');
  });
});
