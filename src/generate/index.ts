/** `olive generate`: text generation from a split or unsplit model on the cascade runtime. */
export { generateText, DEFAULT_MAX_NEW_TOKENS, DEFAULT_SEED } from './generate-text.ts';
export type { GenerateTextOptions, GenerateTextResult, StopReason } from './types.ts';
export { readGenerationDefaults, type GenerationDefaults } from './generation-defaults.ts';
export { loadTokenizer, type ModelTokenizer } from './load-tokenizer.ts';
export { readChatTemplate, renderChat, type ChatMessage } from './chat-prompt.ts';
export { sampleToken, type Sampling } from './sample-token.ts';
export { seededRandom } from './seeded-random.ts';
export { TextStream } from './text-stream.ts';
export { formatGenerateStats } from './format-stats.ts';
