// `node --import ./record-imports.mjs …`: prints every module URL the program resolves to stderr as
// "import: URL", so a check can see what start-up loads.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  process.stderr.write('import: ' + resolved.url + '\\n');
  return resolved;
}`));
