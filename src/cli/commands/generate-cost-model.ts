import type { Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../../errors.ts';
import { WEIGHT_PRECISIONS } from '../../precisions.ts';
import type { CliIo } from '../main.ts';
import { zodMessage } from '../zod-message.ts';

const optionsSchema = z.object({
  model_name_or_path: z.string().min(1, 'must not be empty'),
  weight_precision: z.enum(WEIGHT_PRECISIONS, { error: `must be one of ${WEIGHT_PRECISIONS.join(', ')}` }),
  output_path: z.string().min(1, 'must not be empty'),
  log_level: z.enum(['0', '1', '2', '3', '4'], { error: 'must be 0, 1, 2, 3 or 4' }),
});

/** Olive's `generate-cost-model`: flags parsed by commander, checked by zod, then the library call. */
export function addGenerateCostModelCommand(program: Command, io: CliIo): void {
  program
    .command('generate-cost-model')
    .description('Write a per-module cost table (Olive CSV: module,num_params,num_bytes,num_flops) for a model.')
    .requiredOption('-m, --model_name_or_path <model>', 'Hugging Face hub id or local model folder')
    .option('-p, --weight_precision <precision>', `weight precision: ${WEIGHT_PRECISIONS.join(', ')}`, 'fp16')
    .option('-o, --output_path <file>', 'output CSV (".csv" appended if missing)', 'cost-model.csv')
    .option('--log_level <level>', 'logging level: 0 DEBUG, 1 INFO, 2 WARNING, 3 ERROR, 4 CRITICAL', '3')
    .action(async (rawOptions: unknown) => {
      const options = validOptions(rawOptions);
      // loaded when the command runs, not at start-up (it reads checkpoints and the hub)
      const { generateCostModel } = await import('../../generate-cost-model/generate-cost-model.ts');
      const result = await generateCostModel({
        model: options.model_name_or_path,
        precision: options.weight_precision,
        outputPath: options.output_path,
      });
      io.stdout(`Cost model saved to ${result.file}\n`);
      io.stdout(`Total: ${result.totalBytes} bytes\n`);
    });
}

function validOptions(rawOptions: unknown): z.infer<typeof optionsSchema> {
  const parsed = optionsSchema.safeParse(rawOptions);
  if (!parsed.success) throw new UsageError(zodMessage(parsed.error));
  return parsed.data;
}
