/** Cost tables in Olive's CSV format: computed from the module list, read, checked, written. */
export type { CostRow } from './types.ts';
export { costTable } from './cost-table.ts';
export { formatCostCsv, COST_CSV_HEADER } from './format-cost-csv.ts';
export { parseCostCsv } from './parse-cost-csv.ts';
export { readCostCsv } from './read-cost-csv.ts';
export { checkCostTableMatchesModel } from './check-cost-table.ts';
export { totalBytes } from './total-bytes.ts';
export { writeCostCsv } from './write-cost-csv.ts';
