// Command-line parsing: global options anywhere, the command words, then node:util parseArgs (strict) with
// the command's own options; typed readers for option values that name the flag at fault.
import { parseArgs } from 'node:util';
import { usageError } from './exit-codes.js';
import type { OptionValues, OptionsConfig } from './command.js';

export const GLOBAL_OPTIONS: OptionsConfig = {
  json: { type: 'boolean' },
  url: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const GLOBAL_WITH_VALUE = new Set(['--url', '--token']);

/**
 * The command words (`["models", "add"]`) and the other arguments. Words are taken from the front, skipping
 * global options; `isGroup(word)` says whether a second word follows.
 */
export function splitCommand(argv: string[], isGroup: (word: string) => boolean): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    const wantsWord = words.length === 0 || (words.length === 1 && isGroup(words[0]!));
    if (arg === '--') break;
    if (wantsWord && !arg.startsWith('-')) {
      words.push(arg);
      i++;
      continue;
    }
    if (!wantsWord || !arg.startsWith('-')) break;
    rest.push(arg);
    if (GLOBAL_WITH_VALUE.has(arg) && i + 1 < argv.length) rest.push(argv[++i]!);
    i++;
  }
  return { words, rest: [...rest, ...argv.slice(i)] };
}

export function parseCommandArgs(args: string[], options: OptionsConfig = {}): { values: OptionValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...options }, strict: true, allowPositionals: true });
    return { values: values as OptionValues, positionals };
  } catch (error) {
    throw usageError(error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error));
  }
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** An integer option within [min, max], or undefined when absent. */
export function integerOption(values: OptionValues, name: string, min: number, max: number): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw usageError(`--${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

export function numberOption(values: OptionValues, name: string, min: number, max: number): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw usageError(`--${name} must be a number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

/** `--size 512x384` (or 512X384, 512*384) as width and height. */
export function sizeOption(values: OptionValues, name: string): { width: number; height: number } | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const match = /^(\d+)\s*[xX*×]\s*(\d+)$/.exec(raw.trim());
  if (!match) throw usageError(`--${name} must look like WIDTHxHEIGHT, e.g. 512x512 (got "${raw}")`);
  return { width: Number(match[1]), height: Number(match[2]) };
}
