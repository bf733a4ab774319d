import { stringify } from 'csv-stringify/sync';

/** A cell as the exports hand it in: text, a number, a boolean, or nothing. */
export type CsvCell = string | number | boolean | null | undefined;

/** The byte order mark: Excel in a Dutch locale opens the file as UTF-8 only with it. */
const BOM = '\uFEFF';

/**
 * A text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, and the tab and carriage
 * return that some programs strip first; OWASP "CSV injection"). It is kept, as text: a leading
 * apostrophe tells the spreadsheet to show it as written.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'ja' : 'nee';
  return neutraliseFormula(value);
}

/**
 * The one CSV writer of every export (audit trail, register, alerts, reports): UTF-8 with a
 * byte order mark, `;` between cells (the list separator of Dutch Excel), CRLF line ends, every
 * cell quoted where it needs to be, and no cell a spreadsheet would run as a formula.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const records = [header.map((name) => cell(name)), ...rows.map((row) => row.map(cell))];
  return BOM + stringify(records, { delimiter: ';', record_delimiter: 'windows', quoted_match: /[;"\r\n]/ });
}

/** The content type of {@link toCsv}'s output. */
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** A `Content-Disposition` naming the download, e.g. `attachment; filename="audit-2026-12-02.csv"`. */
export function csvDisposition(name: string): string {
  return `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}.csv"`;
}
