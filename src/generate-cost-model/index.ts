/** `olive generate-cost-model`'s orchestration: a model's cost table written in Olive's format. */
export { generateCostModel, withCsvExtension, type GenerateCostModelOptions, type GenerateCostModelResult } from './generate-cost-model.ts';
