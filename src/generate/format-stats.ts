/** The closing line of `olive generate` on stderr: token counts, speeds, peak memory. */
import { formatBytes } from '../format/bytes.ts';
import type { GenerateTextResult } from './types.ts';

export function formatGenerateStats(result: GenerateTextResult): string {
  const splits = result.model_files.length === 1 ? 'one model' : `${result.model_files.length} splits`;
  return (
    `prompt ${result.prompt_tokens} tokens, generated ${result.new_tokens} (${result.stop_reason}); ` +
    `prefill ${result.prefill_tokens_per_s.toFixed(1)} tokens/s, decode ${result.decode_tokens_per_s.toFixed(1)} tokens/s; ` +
    `peak RSS ${formatBytes(result.peak_rss_bytes)} (${splits}, ${result.memory_mode}, ${result.provider})`
  );
}
