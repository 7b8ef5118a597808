import type { Command } from 'commander';
import { OliveError } from '../../errors.ts';
import type { CliIo } from '../main.ts';

// Owned by the end-to-end work (issue 8): every Olive auto-opt flag, validated with zod, then the pipeline.
export function addAutoOptCommand(program: Command, _io: CliIo): void {
  program
    .command('auto-opt')
    .description('Convert, optimize, quantize and (optionally) split a model into cascaded ONNX sub-models.')
    .requiredOption('-m, --model_name_or_path <model>', 'Hugging Face hub id, local model folder, or .onnx file')
    .option('-o, --output_path <dir>', 'output folder', 'auto-opt-output')
    .option('--log_level <level>', 'logging level: 0 DEBUG, 1 INFO, 2 WARNING, 3 ERROR, 4 CRITICAL', '3')
    .action(() => {
      throw new OliveError('auto-opt is not implemented yet');
    });
}
