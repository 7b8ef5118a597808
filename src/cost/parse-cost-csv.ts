import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { ParseError } from '../errors.ts';
import { COST_CSV_HEADER } from './format-cost-csv.ts';
import type { CostRow } from './types.ts';

const COLUMNS = COST_CSV_HEADER.split(',');

/** Olive writes whole numbers as floats in some versions ("1536.0"): a zero fraction is accepted, nothing else. */
const countCell = z
  .string()
  .regex(/^\d+(\.0+)?$/, 'must be a non-negative whole number')
  .transform(Number)
  .refine(Number.isSafeInteger, 'is too large to count exactly');

const rowSchema = z.tuple([z.string().trim().min(1, 'must not be empty'), countCell, countCell, countCell]);

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/** Read a cost table (ours or Olive's); every bad row is reported with its line number. */
export function parseCostCsv(text: string, file: string): CostRow[] {
  const [header, ...records] = csvRecords(text, file);
  if (!header || header.record.join(',') !== COST_CSV_HEADER) {
    throw new ParseError(file, `line 1: header must be '${COST_CSV_HEADER}'`);
  }
  const seen = new Set<string>();
  return records.map(({ record, info }) => {
    const row = costRow(record, file, info.lines);
    if (seen.has(row.module)) throw new ParseError(file, `line ${info.lines}: module '${row.module}' appears twice`);
    seen.add(row.module);
    return row;
  });
}

function csvRecords(text: string, file: string): ParsedRecord[] {
  try {
    return parse(text, { info: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as unknown as ParsedRecord[];
  } catch (error) {
    throw new ParseError(file, `not a valid CSV (${(error as Error).message})`);
  }
}

function costRow(record: string[], file: string, line: number): CostRow {
  if (record.length !== COLUMNS.length) {
    throw new ParseError(file, `line ${line}: expected ${COLUMNS.length} fields (${COST_CSV_HEADER}), got ${record.length}`);
  }
  const parsed = rowSchema.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const column = COLUMNS[Number(issue.path[0])];
    throw new ParseError(file, `line ${line}: ${column} '${record[Number(issue.path[0])]}' ${issue.message}`);
  }
  const [module, numParams, numBytes, numFlops] = parsed.data;
  return { module, numParams, numBytes, numFlops };
}
