// The text of `easel --help` and `easel <command> --help`, built from the commands' own descriptions.
import type { Command } from './command.js';
import { EXIT_MEANINGS } from './exit-codes.js';

const GLOBAL_LINES = [
  'Global options (anywhere on the line):',
  '  --json         print one JSON document on stdout (JSON lines for `status --watch`);',
  '                 errors then print {"error":{"code","message","exitCode"}} on stdout too',
  '  --url URL      the server, with or without /trpc (default: EASEL_URL, else http://127.0.0.1:4100/trpc)',
  '  --token TOKEN  the server\'s token (default: EASEL_TOKEN, else EASEL_ADMIN_TOKEN): an admin token for the registry, lifecycle and history, a user token to generate',
  '  -h, --help     this help; `easel <command> --help` for one command',
  '',
  'Progress bars are drawn on stderr only when it is a terminal; elsewhere progress is a few plain lines.',
];

export function mainHelp(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'easel — the command line of an Easel image-generation server',
    '',
    'Usage: easel <command> [arguments] [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    ...GLOBAL_LINES,
    '',
    'Exit codes:',
    ...EXIT_MEANINGS.map(([code, meaning]) => `  ${String(code).padEnd(3)}${meaning}`),
    '',
    'Example: easel load easel-demo && easel generate "a yellow star on a black background" -o star.png',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  return [`Usage: easel ${command.usage}`, '', command.summary, ...(command.details ? ['', ...command.details] : []), '', ...GLOBAL_LINES].join('\n');
}

/** Help for a group word such as `models`: its commands. */
export function groupHelp(group: string, commands: Command[]): string {
  const members = commands.filter((c) => c.name.startsWith(`${group} `));
  return [`Usage: easel ${group} <${members.map((c) => c.name.slice(group.length + 1)).join('|')}>`, '', ...members.map((c) => `  easel ${c.usage}\n      ${c.summary}`)].join('\n');
}
