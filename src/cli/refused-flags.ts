/**
 * Olive flags that olive-node declares (so Olive command lines parse) but refuses, each with the reason. Refusing is
 * better than ignoring: a flag that silently did nothing would give a user a different model than they asked for.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.ts';

export interface RefusedFlag {
  /** commander flag spec, e.g. '-a, --adapter_path <path>' */
  flags: string;
  reason: string;
}

export function addRefusedFlags(command: Command, refused: RefusedFlag[]): void {
  for (const flag of refused) {
    command.addOption(new Option(flag.flags, `not supported: ${flag.reason}`));
  }
}

/** Throw for the first refused flag the user actually gave. */
export function rejectRefusedFlags(command: Command, refused: RefusedFlag[]): void {
  for (const flag of refused) {
    const option = command.options.find((o) => o.flags === flag.flags);
    if (!option) continue;
    const key = option.attributeName();
    if (command.getOptionValueSource(key) === 'cli') {
      throw new UsageError(`${option.long} is not supported by olive-node: ${flag.reason}`);
    }
  }
}
