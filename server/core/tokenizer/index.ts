// Public entry of the CLIP tokenizer.
export { ClipTokenizer } from './clip-tokenizer.js';
export type { ClipTokenizerOptions, EncodedPrompt, EncodeOptions } from './clip-tokenizer.js';
