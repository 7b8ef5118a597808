/**
 * The validate stage: a staged split checked against the unsplit model before anything is published. A split
 * made from a checkpoint has no unsplit model on disk: a small one is written into the staging folder whose
 * initializers reference the bytes already in the splits' data files (ONNX Runtime reads external data only from
 * inside the model's folder), and removed afterwards.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { TensorProto, ModelProto } from '../onnx/types.ts';
import { dataFileName, CHECK_MODEL_FILE } from '../layout/output-layout.ts';
import { writeModel, type ExternalRange } from '../onnx/write-model.ts';
import type { SplitPlan } from '../plan/types.ts';
import type { ValidationReport } from '../runtime/types.ts';
import { validateSplit } from '../runtime/validate-split.ts';
import { publishedAt } from '../split/split-model.ts';
import { SplitValidationError } from '../split/split-validation-error.ts';
import type { SplitResult } from '../split/types.ts';
import type { AutoOptOptions } from './options.ts';

/** The unsplit model in memory and where the split writer put each of its initializers. */
export interface ReferenceInSplits {
  model: ModelProto;
  placements: ReadonlyMap<TensorProto, ExternalRange>;
}

export interface StagedSplit {
  staging: string;
  /** The unsplit model: a file (an ONNX input, optimized), or a model whose weights are in the splits. */
  reference: string | ReferenceInSplits;
  plan: SplitPlan;
  options: AutoOptOptions;
  result: SplitResult;
}

/** The validation report; a failed validation throws SplitValidationError and nothing is published. */
export async function validateStaged(staged: StagedSplit): Promise<ValidationReport> {
  const { staging, options } = staged;
  const checkFile = typeof staged.reference === 'string' ? undefined : await writeCheckModel(staging, staged.reference);
  let report: ValidationReport;
  try {
    report = await validateSplit({ wholeModelPath: checkFile ?? (staged.reference as string), splitDir: staging, provider: options.provider, plan: staged.plan });
  } finally {
    if (checkFile) await removeCheckModel(checkFile);
  }
  if (!report.passed) {
    const meantFor = publishedAt({ ...staged.result, validation: report }, options.outputPath);
    throw new SplitValidationError(meantFor, meantFor.validation!);
  }
  return report;
}

async function writeCheckModel(staging: string, reference: ReferenceInSplits): Promise<string> {
  const file = path.join(staging, CHECK_MODEL_FILE);
  const written = await writeModel(file, reference.model, { alreadyWritten: reference.placements });
  if (written.externalTensors > 0) {
    await removeCheckModel(file);
    throw new Error(`${written.externalTensors} initializers of the unsplit model are in no split's data file`);
  }
  return file;
}

async function removeCheckModel(file: string): Promise<void> {
  await rm(file, { force: true });
  await rm(path.join(path.dirname(file), dataFileName(path.basename(file))), { force: true });
}
