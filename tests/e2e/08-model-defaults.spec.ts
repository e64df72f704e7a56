// A distilled model's own defaults on the Generate page: an LCM model (its scheduler config says LCMScheduler)
// is offered its 4 steps, guidance 1 and the LCM sampler, read from the model, with one click.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, signIn, test } from './stack.js';

test.beforeEach(({ page, stack }) => signIn(page, stack));

test('offers an LCM model its own steps, guidance and sampler, read from the model', async ({ page, stack }) => {
  const folder = join(stack.modelsDir, 'demo-lcm');
  await cp(join(stack.modelsDir, 'easel-demo'), folder, { recursive: true });
  const configPath = join(folder, 'scheduler/scheduler_config.json');
  const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  await writeFile(configPath, JSON.stringify({ ...config, _class_name: 'LCMScheduler' }));
  const registered = await stack.api.models.list.query();
  if (!registered.some((m) => m.id === 'demo-lcm')) await stack.api.models.register.mutate({ path: folder, id: 'demo-lcm', name: 'Demo LCM' });

  await page.goto('/');
  await page.getByLabel('Model', { exact: true }).selectOption('demo-lcm');
  await page.getByLabel('Steps', { exact: true }).fill('25');
  const note = page.getByRole('note').filter({ hasText: 'is meant to run with' });
  await expect(note).toContainText('4 steps, guidance 1');
  await note.getByRole('button', { name: 'Use the model’s defaults' }).click();
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('4');
  await expect(page.getByLabel('Guidance', { exact: true })).toHaveValue('1');
  await expect(page.getByLabel('Sampler', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('Sampler', { exact: true }).locator('option').first()).toContainText('Model default (LCM');
  await expect(note).toHaveCount(0);
});
