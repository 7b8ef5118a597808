import { spawnSync } from 'node:child_process';

/** The pid of a process that has already exited: what a killed run leaves in its folder and lock names. */
export function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}
