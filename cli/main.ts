// The `easel` command: finds the command, parses its options, runs it against the server, and turns any
// failure into a readable message and the exit code of its kind.
import { createEaselClient, DEFAULT_EASEL_URL, serverBaseOf, trpcUrlOf } from '../client/index.js';
import { parseCommandArgs, splitCommand, stringOption } from './args.js';
import type { Command } from './command.js';
import { GENERATE_COMMAND } from './commands/generate.js';
import { HISTORY_COMMANDS } from './commands/history.js';
import { LIFECYCLE_COMMANDS } from './commands/lifecycle.js';
import { MODEL_COMMANDS } from './commands/models.js';
import { NODES_COMMAND } from './commands/nodes.js';
import { PULL_COMMAND } from './commands/pull.js';
import { EXIT, toCliError, usageError, type ExitCode } from './exit-codes.js';
import { commandHelp, groupHelp, mainHelp } from './help.js';
import { createOutput } from './output.js';

const COMMANDS: Command[] = [...MODEL_COMMANDS, PULL_COMMAND, ...LIFECYCLE_COMMANDS, NODES_COMMAND, GENERATE_COMMAND, ...HISTORY_COMMANDS];
const GROUPS = new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!));

function serverUrl(given: string | undefined): string {
  const url = given ?? process.env.EASEL_URL ?? DEFAULT_EASEL_URL;
  try {
    return trpcUrlOf(url);
  } catch {
    throw usageError(`"${url}" is not a URL; pass the server like --url http://127.0.0.1:4100`);
  }
}

function findCommand(words: string[]): Command {
  const name = words.join(' ');
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return command;
  if (words.length === 1 && GROUPS.has(words[0]!)) throw usageError(`"easel ${name}" needs a subcommand\n\n${groupHelp(name, COMMANDS)}`);
  throw usageError(`Unknown command "${name}"; run easel --help for the list`);
}

/** The server a command talks to, once known, for messages about failures. */
let target = process.env.EASEL_URL ?? DEFAULT_EASEL_URL;

async function run(argv: string[], json: boolean): Promise<ExitCode> {
  const { words, rest } = splitCommand(argv, (word) => GROUPS.has(word));
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  if (words.length === 0 || words[0] === 'help') {
    const topic = words.slice(1);
    const text = topic.length === 0 ? mainHelp(COMMANDS) : topic.length === 1 && GROUPS.has(topic[0]!) ? groupHelp(topic[0]!, COMMANDS) : commandHelp(findCommand(topic));
    if (words.length === 0 && !wantsHelp) throw usageError(`A command is needed.\n\n${text}`);
    process.stdout.write(`${text}\n`);
    return EXIT.OK;
  }
  if (wantsHelp) {
    const text = words.length === 1 && GROUPS.has(words[0]!) ? groupHelp(words[0]!, COMMANDS) : commandHelp(findCommand(words));
    process.stdout.write(`${text}\n`);
    return EXIT.OK;
  }
  const command = findCommand(words);
  const { values, positionals } = parseCommandArgs(rest, command.options);
  const { min, max, name = 'argument' } = command.positionals;
  if (positionals.length < min) throw usageError(`easel ${command.name} needs <${name}>\nUsage: easel ${command.usage}`);
  if (positionals.length > max) throw usageError(`easel ${command.name} takes ${max === 0 ? 'no arguments' : `one <${name}>`}, not "${positionals.join(' ')}"\nUsage: easel ${command.usage}`);
  const trpcUrl = serverUrl(stringOption(values, 'url'));
  target = trpcUrl;
  const client = createEaselClient({ url: trpcUrl, token: stringOption(values, 'token') ?? process.env.EASEL_TOKEN ?? process.env.EASEL_ADMIN_TOKEN, actor: 'script' });
  const out = createOutput(json);
  return (await command.run({ client, serverBase: serverBaseOf(trpcUrl), out, positionals, values })) ?? EXIT.OK;
}

async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  let code: ExitCode;
  try {
    code = await run(argv, json);
  } catch (error) {
    const failure = toCliError(error, target);
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: failure.code, message: failure.message, exitCode: failure.exitCode } }, null, 2)}\n`);
    else process.stderr.write(`easel: ${failure.message}\n`);
    code = failure.exitCode;
  }
  // Open SSE or keep-alive sockets must not keep a finished command waiting.
  process.exit(code);
}

await main(process.argv.slice(2));
