import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfigFile, MAX_CONFIG_FILE_BYTES, readConfigText } from '../../../server/runner/config-file.js';
import { readModelFolder } from '../../../server/runner/model-folder.js';
import { writeTinyModel } from '../../helpers/model-fixtures.js';

let root: string;
let count = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'easel-config-file-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A tiny model whose `relative` file is replaced by a named pipe that nobody ever writes to. */
async function modelWithFifo(relative: string): Promise<string> {
  const dir = await writeTinyModel(join(root, `model-${count++}`));
  await unlink(join(dir, relative));
  execFileSync('mkfifo', [join(dir, relative)]);
  return dir;
}

describe('readConfigText', () => {
  it('reads a regular file and gives undefined for an absent optional one', async () => {
    await writeFile(join(root, 'plain.json'), '{"a":1}');
    expect(await readConfigText(root, 'plain.json', true)).toBe('{"a":1}');
    expect(await readConfigText(root, 'absent.json', false)).toBeUndefined();
    await expect(readConfigText(root, 'absent.json', true)).rejects.toMatchObject({ code: 'INVALID_MODEL', message: expect.stringContaining('absent.json is missing') });
  });

  it('refuses a named pipe at once instead of waiting for a writer', async () => {
    execFileSync('mkfifo', [join(root, 'pipe.json')]);
    await expect(readConfigText(root, 'pipe.json', true)).rejects.toMatchObject({
      code: 'INVALID_MODEL',
      message: `pipe.json in ${root} is a named pipe (FIFO); config and tokenizer files must be regular files`,
    });
    await expect(checkConfigFile(root, 'pipe.json')).rejects.toMatchObject({ code: 'INVALID_MODEL' });
  });

  it('refuses a link to a device', async () => {
    await symlink('/dev/zero', join(root, 'zero.json'));
    await expect(readConfigText(root, 'zero.json', false)).rejects.toMatchObject({ code: 'INVALID_MODEL', message: expect.stringContaining('zero.json in') });
  });

  it('refuses a file over the size limit without reading it', async () => {
    await writeFile(join(root, 'huge.json'), '');
    await truncate(join(root, 'huge.json'), MAX_CONFIG_FILE_BYTES + 1);
    await expect(readConfigText(root, 'huge.json', true)).rejects.toMatchObject({
      code: 'INVALID_MODEL',
      message: expect.stringContaining(`is ${MAX_CONFIG_FILE_BYTES + 1} bytes`),
    });
  });
});

describe('readModelFolder with special files', () => {
  it.each(['model_index.json', 'unet/config.json', 'scheduler/scheduler_config.json', 'tokenizer/vocab.json', 'tokenizer/merges.txt'])(
    'refuses a FIFO as %s, naming it',
    async (relative) => {
      const dir = await modelWithFifo(relative);
      await expect(readModelFolder(dir)).rejects.toMatchObject({ code: 'INVALID_MODEL', message: expect.stringContaining(`${relative} in ${dir} is a named pipe`) });
    },
  );
});
