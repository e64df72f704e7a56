// Reads the few tokenizer_config.json fields the CLIP tokenizer honours (pad and unknown tokens).
import { EaselError } from '../errors.js';
import { parsePythonJson } from '../python-json.js';

export interface TokenizerConfigChoices {
  padToken?: string;
  unkToken?: string;
}

// HF writes special tokens either as plain strings or as AddedToken objects ({ "content": "!", ... }).
function tokenText(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  throw new EaselError('INVALID_MODEL', `tokenizer/tokenizer_config.json: ${field} should be a string or an object with "content"`);
}

/** pad_token and unk_token of tokenizer_config.json, given as its text or already parsed. */
export function readTokenizerConfig(config: string | Record<string, unknown>): TokenizerConfigChoices {
  let parsed: unknown = config;
  if (typeof config === 'string') {
    try {
      parsed = parsePythonJson(config);
    } catch (cause) {
      throw new EaselError('INVALID_MODEL', 'tokenizer/tokenizer_config.json is not valid JSON', { cause });
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EaselError('INVALID_MODEL', 'tokenizer/tokenizer_config.json should be a JSON object');
  }
  const fields = parsed as Record<string, unknown>;
  const choices: TokenizerConfigChoices = {};
  const padToken = tokenText(fields.pad_token, 'pad_token');
  const unkToken = tokenText(fields.unk_token, 'unk_token');
  if (padToken !== undefined) choices.padToken = padToken;
  if (unkToken !== undefined) choices.unkToken = unkToken;
  return choices;
}
