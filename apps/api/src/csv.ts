import { stringify } from 'csv-stringify/sync';

/** Spreadsheets read UTF-8 (accents, emoji) only when the file starts with a byte-order mark. */
const BYTE_ORDER_MARK = '\uFEFF';

type CsvRecord = readonly (string | number)[];

/** CSV lines; cells a spreadsheet would run as a formula get a leading `'`. */
export function csvLines(records: readonly CsvRecord[]): string {
  return stringify([...records], { escape_formulas: true, record_delimiter: 'windows' });
}

/** The start of a CSV file: a byte-order mark and the header row. */
export const csvHeader = (columns: readonly string[]) => BYTE_ORDER_MARK + csvLines([columns]);

/** CSV with a header row and a byte-order mark; cells a spreadsheet would run as a formula get a leading `'`. */
export function spreadsheetCsv(columns: readonly string[], records: readonly CsvRecord[]): string {
  return csvHeader(columns) + csvLines(records);
}

/** `2026-12-03 14:05:09`: a time spreadsheets recognize, unlike ISO-8601's `T…Z` form. */
export const spreadsheetTime = (iso: string | null) =>
  iso === null ? '' : iso.slice(0, 19).replace('T', ' ');
