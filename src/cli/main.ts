/**
 * The `olive` command line: parse with commander, hand each command to its module, turn errors into one line.
 * Returns the exit code; only the entry point src/olive.ts sets it on the process.
 */
import { Command, CommanderError } from 'commander';
import { OliveError } from '../errors.ts';
import { version } from '../version.ts';
import { addAutoOptCommand } from './commands/auto-opt.ts';
import { addGenerateCostModelCommand } from './commands/generate-cost-model.ts';
import { addGenerateCommand } from './commands/generate.ts';
import { describeError } from '../fs/describe-error.ts';
import { wantsStack } from './log-level.ts';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export function buildProgram(io: CliIo): Command {
  const program = new Command('olive')
    .description('Split language models into cascaded ONNX sub-models that each fit an edge device (Olive-compatible).')
    .version(version, '--version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('usage: olive [options] [command]  (olive --help lists the commands)');
  addAutoOptCommand(program, io);
  addGenerateCostModelCommand(program, io);
  addGenerateCommand(program, io);
  for (const command of program.commands) {
    command.showHelpAfterError(`usage: olive ${command.name()} ${command.usage()}  (olive ${command.name()} --help lists the options)`);
  }
  return program;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    return reportError(error, argv, io);
  }
}

function reportError(error: unknown, argv: string[], io: CliIo): number {
  if (error instanceof CommanderError) {
    // help and version exit through here with code 0; usage errors were already printed by commander
    return error.exitCode === 0 ? 0 : 2;
  }
  const showStack = wantsStack(argv);
  if (error instanceof OliveError) {
    io.stderr(`error: ${error.message}\n`);
    if (showStack && error.stack) io.stderr(`${error.stack}\n`);
    return error.exitCode;
  }
  io.stderr(`error: ${describeError(error)}\n`);
  if (showStack && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return 1;
}
