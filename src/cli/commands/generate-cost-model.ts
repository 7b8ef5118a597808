import type { Command } from 'commander';
import { OliveError } from '../../errors.ts';
import type { CliIo } from '../main.ts';

// Owned by the cost-table work (issue 3): parse, validate with zod, call the library, format.
export function addGenerateCostModelCommand(program: Command, _io: CliIo): void {
  program
    .command('generate-cost-model')
    .description('Write a per-module cost table (Olive CSV: module,num_params,num_bytes,num_flops) for a model.')
    .requiredOption('-m, --model_name_or_path <model>', 'Hugging Face hub id or local model folder')
    .option('-p, --weight_precision <precision>', 'weight precision: fp32, fp16, bf16, int8, fp8, int4', 'fp16')
    .option('-o, --output_path <file>', 'output CSV (".csv" appended if missing)', 'cost-model.csv')
    .option('--log_level <level>', 'logging level: 0 DEBUG, 1 INFO, 2 WARNING, 3 ERROR, 4 CRITICAL', '3')
    .action(() => {
      throw new OliveError('generate-cost-model is not implemented yet');
    });
}
