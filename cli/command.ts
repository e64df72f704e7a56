// What a command is: its name and help, the options it accepts, and the function that runs it.
import type { ParseArgsConfig } from 'node:util';
import type { EaselClient } from '../client/index.js';
import type { ExitCode } from './exit-codes.js';
import type { Output } from './output.js';

/** node:util's option table (its own name for it isn't exported). */
export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandContext {
  client: EaselClient;
  /** The server's base URL, which image paths (`/images/<id>.png`) are relative to. */
  serverBase: string;
  out: Output;
  positionals: string[];
  values: OptionValues;
}

export interface Command {
  /** The words that select it: `load`, `models add`. */
  name: string;
  /** Its synopsis after `easel`, e.g. `models add <path> [--name NAME] [--id ID]`. */
  usage: string;
  summary: string;
  /** Extra lines for `easel <command> --help`. */
  details?: string[];
  options?: OptionsConfig;
  /** How many positional arguments it takes. */
  positionals: { min: number; max: number; name?: string };
  run(ctx: CommandContext): Promise<ExitCode | void>;
}
