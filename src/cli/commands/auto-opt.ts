/**
 * `olive auto-opt`: Olive's flags (REFERENCE §1), validated with zod, then the pipeline. This module only parses
 * and formats; the work is in src/pipeline/.
 */
import { Option, type Command } from 'commander';
import { OUTPUT_PRECISIONS } from '../../precisions.ts';
import { z } from 'zod';
import { UsageError } from '../../errors.ts';
import { EXECUTION_PROVIDERS } from '../../providers.ts';
import { OUTPUT_LAYOUTS } from '../../layout/output-layout.ts';
import { validateSplitFlags } from '../../plan/validate-split-flags.ts';
import type { AutoOptOptions } from '../../pipeline/options.ts';
import { createReporter } from '../reporter.ts';
import { addRefusedFlags, rejectRefusedFlags, type RefusedFlag } from '../refused-flags.ts';
import { zodMessage } from '../zod-message.ts';
import type { CliIo } from '../main.ts';

/** Every execution provider Olive lists; only two are built for here, the others are refused with the reason. */
const OLIVE_PROVIDERS = [
  'CPUExecutionProvider', 'CUDAExecutionProvider', 'DmlExecutionProvider', 'OpenVINOExecutionProvider',
  'TensorrtExecutionProvider', 'ROCMExecutionProvider', 'MIGraphXExecutionProvider', 'NvTensorRTRTXExecutionProvider',
  'JsExecutionProvider', 'QNNExecutionProvider', 'VitisAIExecutionProvider', 'WebGpuExecutionProvider',
] as const;
const SUPPORTED_PROVIDERS = EXECUTION_PROVIDERS;

const OLIVE_PRECISIONS = ['int4', 'int8', 'int16', 'int32', 'uint4', 'uint8', 'uint16', 'uint32', 'fp4', 'fp8', 'fp16', 'fp32', 'nf4', 'bf16'] as const;

const REFUSED: RefusedFlag[] = [
  { flags: '--use_dynamo_exporter', reason: 'there is no PyTorch exporter here; the ONNX graph is built directly from the weights' },
  { flags: '--use_qdq_encoding', reason: 'int4/int8 weights are written as com.microsoft MatMulNBits, not QDQ' },
  { flags: '--trust_remote_code', reason: 'no Python is run, so a model whose code lives in its repository cannot be loaded' },
  { flags: '--model_script <file>', reason: 'PyTorch model scripts need Python; give a Hugging Face folder or an ONNX model' },
  { flags: '--script_dir <dir>', reason: 'PyTorch model scripts need Python; give a Hugging Face folder or an ONNX model' },
  { flags: '--test', reason: 'random test models are made by scripts/make-fixtures.ts, not by auto-opt' },
  { flags: '-a, --adapter_path <path>', reason: 'LoRA adapters are not merged or exported' },
  { flags: '-d, --data_name <name>', reason: 'evaluation datasets (and --enable_search) are not supported' },
  { flags: '--split <split>', reason: 'evaluation datasets are not supported' },
  { flags: '--subset <subset>', reason: 'evaluation datasets are not supported' },
  { flags: '--input_cols <cols...>', reason: 'evaluation datasets are not supported' },
  { flags: '--batch_size <n>', reason: 'evaluation datasets are not supported' },
  { flags: '--enable_search [sampler]', reason: 'search over pass configurations is not implemented' },
  { flags: '--seed <n>', reason: 'it only seeds --enable_search, which is not implemented' },
  { flags: '--dynamic-to-fixed-shape-dim-param <names...>', reason: 'fixed-shape conversion is only for QNN, which is not supported' },
  { flags: '--dynamic-to-fixed-shape-dim-value <values...>', reason: 'fixed-shape conversion is only for QNN, which is not supported' },
  { flags: '--mixed-precision-overrides-config <entries...>', reason: 'mixed-precision overrides are not implemented' },
  { flags: '--surgeries <names...>', reason: 'graph surgeries are not implemented' },
  { flags: '--account_name <name>', reason: 'the Azure shared cache is not supported' },
  { flags: '--container_name <name>', reason: 'the Azure shared cache is not supported' },
  { flags: '--resource_group <name>', reason: 'remote AzureML runs are not supported' },
  { flags: '--workspace_name <name>', reason: 'remote AzureML runs are not supported' },
  { flags: '--keyvault_name <name>', reason: 'remote AzureML runs are not supported' },
  { flags: '--aml_compute <name>', reason: 'remote AzureML runs are not supported' },
];

const optionalInt = (name: string, min: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min, `${name} must be at least ${min}`)
    .optional();

const rawOptionsSchema = z.object({
  model_name_or_path: z.string().min(1, '--model_name_or_path is empty'),
  output_path: z.string().min(1),
  device: z.enum(['cpu', 'gpu', 'npu']),
  provider: z.enum(OLIVE_PROVIDERS),
  memory: z.string().optional(),
  precision: z.enum(OLIVE_PRECISIONS),
  numSplits: optionalInt('--num-splits', 1),
  costModel: z.string().optional(),
  splitStrategy: z.enum(['balanced', 'olive']),
  splitGranularity: z.enum(['module', 'layer']),
  budgetCovers: z.enum(['weights', 'runtime']),
  contextLength: optionalInt('--context-length', 1),
  blockSize: z.string().regex(/^\d+$/, '--block-size must be a whole number').transform(Number),
  accuracyLevel: optionalInt('--accuracy-level', 0),
  zeroPoints: z.boolean().optional(),
  validate: z.boolean(),
  force: z.boolean().optional(),
  dry_run: z.boolean().optional(),
  save_config_file: z.boolean().optional(),
  json: z.boolean().optional(),
  layout: z.enum(OUTPUT_LAYOUTS),
  log_level: z.enum(['0', '1', '2', '3', '4']).transform(Number),
  task: z.string().optional(),
  use_model_builder: z.boolean().optional(),
  use_ort_genai: z.boolean().optional(),
  disable_telemetry: z.boolean().optional(),
});

type RawOptions = z.infer<typeof rawOptionsSchema>;

export function addAutoOptCommand(program: Command, io: CliIo): void {
  const command = program
    .command('auto-opt')
    .description('Convert, optimize, quantize and (optionally) split a model into cascaded ONNX sub-models.')
    .requiredOption('-m, --model_name_or_path <model>', 'Hugging Face hub id, local model folder, or .onnx file')
    .option('-o, --output_path <dir>', 'output folder', 'auto-opt-output')
    .option('-t, --task <task>', 'task of the Hugging Face model (text-generation or text-generation-with-past)')
    .addOption(new Option('--device <device>', 'target device').choices(['cpu', 'gpu', 'npu']).default('cpu'))
    .option('--provider <provider>', `execution provider: ${SUPPORTED_PROVIDERS.join(' or ')}`, 'CPUExecutionProvider')
    .option('--memory <size>', 'accelerator memory for --cost-model / memory-budget splitting, e.g. 2GB, 1.5GiB, 2000000000')
    .option('--precision <precision>', `output precision: ${OUTPUT_PRECISIONS.join(', ')}`, 'fp32')
    .addOption(new Option('--num-splits <n>', 'split the decoder layers equally into N cascaded models').conflicts('costModel'))
    .addOption(new Option('--cost-model <csv>', 'cost table (module,num_params,num_bytes,num_flops) for memory-budget splitting; needs --memory').conflicts('numSplits'))
    .addOption(new Option('--split-strategy <strategy>', 'memory split: balanced (fewest splits, smallest largest split) or olive (Olive greedy pass)').choices(['balanced', 'olive']).default('balanced'))
    .addOption(new Option('--split-granularity <granularity>', 'memory split: cut between any modules, or only between decoder layers').choices(['module', 'layer']).default('module'))
    .addOption(new Option('--budget-covers <what>', 'what --memory must hold: weights (as Olive) or runtime (what ONNX Runtime allocates: overhead, weights as loaded, KV cache, activations; each split measured against it)').choices(['weights', 'runtime']).default('weights'))
    .option('--context-length <tokens>', 'longest sequence the model will run: sizes the rotary caches and the KV-cache estimate (default: the model config)')
    .option('--block-size <n>', 'int4/int8 quantization block size: 16, 32, 64, 128 or 256', '32')
    .option('--accuracy-level <n>', 'MatMulNBits accuracy_level 0-4 (default 4 on CPU, 0 otherwise)')
    .option('--zero-points', 'asymmetric int4/int8 quantization with zero points (default symmetric)')
    .option('--no-validate', 'skip loading and checking the split models in onnxruntime-node')
    .addOption(new Option('--layout <layout>', "unsplit output's file names: olive (model.onnx) or transformers.js (onnx/model_q4.onnx …, loads with Transformers.js's defaults)").choices(OUTPUT_LAYOUTS).default('olive'))
    .option('--force', 'replace an existing output folder')
    .option('--json', 'print one JSON document on stdout instead of the summary table')
    .option('--use_model_builder', 'accepted for Olive compatibility: the graph is always built model-builder style')
    .option('--use_ort_genai', 'accepted for Olive compatibility: genai_config.json is always written')
    .option('--log_level <level>', 'logging level: 0 DEBUG, 1 INFO, 2 WARNING, 3 ERROR (default), 4 CRITICAL', '3')
    .option('--save_config_file', 'write the resolved run configuration to <output>/auto-opt-config.json')
    .option('--dry_run', 'print the split plan and the stages, write no model')
    .option('--disable_telemetry', 'accepted for Olive compatibility: olive-node sends no telemetry');
  addRefusedFlags(command, REFUSED);
  command.action(async (_raw, self: Command) => {
    rejectRefusedFlags(self, REFUSED);
    const raw = parseRaw(self.opts());
    const options = toAutoOptOptions(raw);
    rejectIneffectiveFlags(self, options);
    const reporter = createReporter(io, { logLevel: options.logLevel, json: Boolean(raw.json) });
    // loaded here, not at start-up: the pipeline pulls in ONNX Runtime and the ONNX schema
    const { runAutoOpt } = await import('../../pipeline/auto-opt.ts');
    const { formatAutoOptSummary } = await import('../../pipeline/format-summary.ts');
    const { resultToJson } = await import('../../pipeline/result.ts');
    const result = await runAutoOpt(options, reporter);
    io.stdout(raw.json ? resultToJson(result) : formatAutoOptSummary(result));
  });
}

/** Flags that only shape a memory plan, or only quantization: given where they cannot act, they are refused. */
const MEMORY_PLAN_FLAGS = ['splitStrategy', 'splitGranularity', 'budgetCovers'] as const;
const QUANTIZATION_FLAGS = ['blockSize', 'accuracyLevel', 'zeroPoints'] as const;

function rejectIneffectiveFlags(command: Command, options: AutoOptOptions): void {
  const given = (key: string) => command.getOptionValueSource(key) === 'cli';
  const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const planFlag = MEMORY_PLAN_FLAGS.find(given);
  if (planFlag && options.split.method !== 'memory') {
    throw new UsageError(`${flag(planFlag)} shapes a memory plan: it needs --memory (with or without --cost-model), not ${options.split.method === 'none' ? 'an unsplit run' : '--num-splits'}`);
  }
  if (given('layout') && options.split.method !== 'none') {
    throw new UsageError('--layout names the files of an unsplit output; a split output is laid out as Olive lays it out (split_0.onnx …)');
  }
  if (options.budgetCovers === 'runtime' && !options.validate) {
    throw new UsageError('--budget-covers runtime is held by measuring each split during validation: it cannot be combined with --no-validate');
  }
  const quantFlag = QUANTIZATION_FLAGS.find(given);
  if (quantFlag && options.precision !== 'int4' && options.precision !== 'int8') {
    throw new UsageError(`${flag(quantFlag)} applies to int4/int8 quantization, not --precision ${options.precision}`);
  }
}

function parseRaw(opts: Record<string, unknown>): RawOptions {
  const parsed = rawOptionsSchema.safeParse(opts);
  if (!parsed.success) throw new UsageError(zodMessage(parsed.error));
  return parsed.data;
}

export function toAutoOptOptions(raw: RawOptions): AutoOptOptions {
  if (!(SUPPORTED_PROVIDERS as readonly string[]).includes(raw.provider)) {
    throw new UsageError(`--provider ${raw.provider} is not supported: olive-node builds for ${SUPPORTED_PROVIDERS.join(' and ')}`);
  }
  if (!(OUTPUT_PRECISIONS as readonly string[]).includes(raw.precision)) {
    throw new UsageError(`--precision ${raw.precision} is not supported: choose one of ${OUTPUT_PRECISIONS.join(', ')}`);
  }
  if (raw.task && !['text-generation', 'text-generation-with-past'].includes(raw.task)) {
    throw new UsageError(`--task ${raw.task} is not supported: only causal language models (text-generation) are`);
  }
  const provider = raw.provider as AutoOptOptions['provider'];
  return {
    model: raw.model_name_or_path,
    outputPath: raw.output_path,
    // Olive forces the device to gpu for CUDA
    device: provider === 'CUDAExecutionProvider' ? 'gpu' : raw.device,
    provider,
    precision: raw.precision as AutoOptOptions['precision'],
    split: validateSplitFlags({ numSplits: raw.numSplits, costModel: raw.costModel, memory: raw.memory }),
    splitStrategy: raw.splitStrategy,
    splitGranularity: raw.splitGranularity,
    budgetCovers: raw.budgetCovers,
    contextLength: raw.contextLength,
    blockSize: raw.blockSize,
    accuracyLevel: raw.accuracyLevel,
    symmetric: !raw.zeroPoints,
    validate: raw.validate,
    force: Boolean(raw.force),
    dryRun: Boolean(raw.dry_run),
    saveConfigFile: Boolean(raw.save_config_file),
    layout: raw.layout,
    logLevel: raw.log_level as AutoOptOptions['logLevel'],
  };
}
