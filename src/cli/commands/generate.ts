/**
 * `olive generate`: run a split (or unsplit) output folder, or one .onnx decoder, on the prompt. Flags validated
 * with zod, then the library call in src/generate/; text streams to stdout and one stats line goes to stderr.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../../errors.ts';
import { EXECUTION_PROVIDERS } from '../../providers.ts';
import { parseMemory } from '../../plan/parse-memory.ts';
import type { GenerateTextOptions } from '../../generate/types.ts';
import type { CliIo } from '../main.ts';
import { zodMessage } from '../zod-message.ts';

const wholeNumber = (flag: string, min: number) =>
  z.string().regex(/^\d+$/, `${flag} must be a whole number`).transform(Number).refine((n) => n >= min, `${flag} must be at least ${min}`).optional();
const decimal = (flag: string, check: (n: number) => boolean, range: string) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$|^\.\d+$/, `${flag} must be a number`)
    .transform(Number)
    .refine(check, `${flag} must be ${range}`)
    .optional();

const optionsSchema = z.object({
  model: z.string().min(1, '--model is empty'),
  prompt: z.string().optional(),
  promptIds: z
    .string()
    .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, '--prompt-ids must be token ids separated by commas, e.g. 1,2,3')
    .transform((text) => text.split(',').map(Number))
    .optional(),
  chat: z.boolean().optional(),
  system: z.string().optional(),
  maxNewTokens: wholeNumber('--max-new-tokens', 1),
  doSample: z.boolean().optional(),
  temperature: decimal('--temperature', (n) => n > 0, 'more than 0'),
  topK: wholeNumber('--top-k', 0),
  topP: decimal('--top-p', (n) => n > 0 && n <= 1, 'more than 0 and at most 1'),
  seed: wholeNumber('--seed', 0),
  lowMemory: z.boolean().optional(),
  maxMemory: z.string().optional(),
  provider: z.enum(EXECUTION_PROVIDERS as [string, ...string[]], { error: `--provider must be ${EXECUTION_PROVIDERS.join(' or ')}` }),
  json: z.boolean().optional(),
  log_level: z.enum(['0', '1', '2', '3', '4'], { error: '--log_level must be 0, 1, 2, 3 or 4' }),
});

type RawOptions = z.infer<typeof optionsSchema>;

export function addGenerateCommand(program: Command, io: CliIo): void {
  program
    .command('generate')
    .description('Generate text with a split or unsplit output folder (or one .onnx decoder) on the cascade runtime.')
    .requiredOption('-m, --model <path>', 'output folder of auto-opt (split or not), or a .onnx decoder')
    .option('--prompt <text>', "prompt text, encoded with the model's tokenizer.json")
    .option('--prompt-ids <ids>', 'prompt as token ids separated by commas, e.g. 1,2,3')
    .option('--chat', "render the prompt with the model's chat template")
    .option('--system <text>', 'system message for --chat')
    .option('--max-new-tokens <n>', 'tokens to generate at most (default: generation_config.json, else 128)')
    .option('--do-sample', 'sample the next token instead of taking the most likely one')
    .option('--temperature <t>', 'sampling temperature (default: generation_config.json, else 1)')
    .option('--top-k <k>', 'sample among the k most likely tokens, 0 for all (default: generation_config.json, else 50)')
    .option('--top-p <p>', 'sample within the smallest set of tokens of this probability (default: generation_config.json, else 1)')
    .option('--seed <s>', 'seed of the sampling source: the same seed gives the same text (default 0)')
    .option('--low-memory', 'keep at most one split loaded: load, run and release each split at every step')
    .option('--max-memory <size>', 'keep splits resident while their files fit in this size (e.g. 2GB); the rest load per step')
    .option('--provider <provider>', `execution provider: ${EXECUTION_PROVIDERS.join(' or ')}`, 'CPUExecutionProvider')
    .option('--json', 'print one JSON document on stdout instead of streamed text and the stats line')
    .option('--log_level <level>', 'logging level: 0 DEBUG (stack traces), 1 INFO, 2 WARNING, 3 ERROR, 4 CRITICAL', '3')
    .action(async (rawOptions: unknown) => {
      const raw = validOptions(rawOptions);
      const options = toGenerateOptions(raw);
      // loaded here, not at the top: --help and --version stay free of ONNX Runtime
      const { generateText } = await import('../../generate/generate-text.ts');
      const { formatGenerateStats } = await import('../../generate/format-stats.ts');
      const result = await generateText({ ...options, onText: raw.json ? undefined : (text) => text && io.stdout(text) });
      if (raw.json) {
        io.stdout(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      io.stdout('\n');
      io.stderr(`${formatGenerateStats(result)}\n`);
    });
}

function validOptions(rawOptions: unknown): RawOptions {
  const parsed = optionsSchema.safeParse(rawOptions);
  if (!parsed.success) throw new UsageError(zodMessage(parsed.error));
  return parsed.data;
}

function toGenerateOptions(raw: RawOptions): GenerateTextOptions {
  if ((raw.prompt === undefined) === (raw.promptIds === undefined)) throw new UsageError('give one of --prompt TEXT or --prompt-ids 1,2,3');
  if (raw.chat && raw.prompt === undefined) throw new UsageError('--chat renders a text prompt: give --prompt, not --prompt-ids');
  if (raw.system !== undefined && !raw.chat) throw new UsageError('--system is a chat message: it needs --chat');
  if (raw.lowMemory && raw.maxMemory !== undefined) throw new UsageError('--low-memory and --max-memory are two memory modes: give one');
  const sampled = raw.temperature !== undefined || raw.topK !== undefined || raw.topP !== undefined;
  if (sampled && !raw.doSample) throw new UsageError('--temperature, --top-k and --top-p shape sampling: add --do-sample');
  return {
    model: raw.model,
    prompt: raw.prompt,
    promptIds: raw.promptIds,
    chat: raw.chat,
    system: raw.system,
    maxNewTokens: raw.maxNewTokens,
    doSample: Boolean(raw.doSample),
    temperature: raw.temperature,
    topK: raw.topK,
    topP: raw.topP,
    seed: raw.seed,
    memory: raw.lowMemory ? 'low-memory' : raw.maxMemory !== undefined ? 'max-memory' : 'resident',
    maxMemoryBytes: raw.maxMemory === undefined ? undefined : parseMemory(raw.maxMemory, 'olive-node', '--max-memory'),
    provider: raw.provider as GenerateTextOptions['provider'],
  };
}
