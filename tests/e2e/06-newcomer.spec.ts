// A newcomer's first hour (issue 13): live jobs shared by tabs, the queue panel, a reload during a job, the form's
// validation, image-to-image from a file, parameters round-tripping through a downloaded PNG, and every page at
// phone width without sideways scrolling (screenshots of each page at both widths kept in test-results/).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { parseParameters } from '../../client/a1111-parameters.js';
import { writeTinyModel } from '../helpers/model-fixtures.js';
import { readPngText } from '../../client/png-text.js';
import { pauseRunners } from './runner-gate.js';
import { expect, screenshot, sidewaysScrollers, signIn, test } from './stack.js';

const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

test.beforeEach(async ({ page, stack }) => {
  await signIn(page, stack);
  // Each test starts from the demo model loaded and no job left over.
  await stack.api.models.load.mutate({ id: 'easel-demo' });
  for (const job of await stack.api.generate.jobs.query()) await stack.api.generate.cancel.mutate({ id: job.id });
});

/** A fresh form: nothing kept from an earlier test in this browser's localStorage. */
async function freshForm(page: import('@playwright/test').Page): Promise<void> {
  await page.goto('/');
  await page.evaluate(() => window.localStorage.removeItem('easel.generate.form'));
  await page.reload();
  await expect(page.getByLabel('Model', { exact: true })).toHaveValue('easel-demo');
}

test('two tabs see each other\'s jobs in the queue, and a reload during a job keeps the picker and the form', async ({ page, context, stack }) => {
  await freshForm(page);
  const prompt = 'a small yellow star at the top left on a black background';
  // The runners stopped: every job stays queued or running for as long as the test looks.
  const resume = pauseRunners(stack.modelsDir);
  const other = await context.newPage();
  try {
    await page.getByLabel('Prompt', { exact: true }).fill(prompt);
    await page.getByLabel('Negative prompt').fill('blurry');
    await page.getByLabel('Sampler').selectOption({ label: 'Euler' });
    await page.getByLabel('Steps').fill('12');
    await page.getByLabel('Guidance').fill('6');
    await page.getByLabel('Seed', { exact: true }).fill('777');
    const generate = page.getByRole('button', { name: 'Generate', exact: true });
    for (let i = 0; i < 3; i++) {
      await generate.click();
      await expect(page.getByRole('heading', { name: `Queue (${i + 1})` })).toBeVisible();
    }

    await other.goto('/');
    await expect(other.getByRole('heading', { name: 'Queue (3)' })).toBeVisible();
    const items = other.getByRole('region', { name: /Queue/ }).getByRole('listitem');
    await expect(items).toHaveCount(3);
    await expect(items.nth(0)).toContainText('easel-demo');
    await expect(items.nth(2)).toContainText('Queued, position 2');
    await expect(items.nth(2).getByRole('button', { name: 'Cancel' })).toBeEnabled();
    await expect(other.getByRole('listitem', { name: 'Resident model easel-demo' })).toContainText('1 running, 2 queued');

    // A reload in the middle of the job: the same model picked, the same form, the job followed again.
    await page.reload();
    await expect(page.getByLabel('Model', { exact: true })).toHaveValue('easel-demo');
    await expect(page.getByLabel('Prompt', { exact: true })).toHaveValue(prompt);
    await expect(page.getByLabel('Negative prompt')).toHaveValue('blurry');
    await expect(page.getByLabel('Sampler')).toHaveValue('EULER');
    await expect(page.getByLabel('Steps')).toHaveValue('12');
    await expect(page.getByLabel('Guidance')).toHaveValue('6');
    await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('777');
    await expect(page.getByRole('heading', { name: 'Generating' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Queue (3)' })).toBeVisible();

    // The second tab cancels the last job (its end waits for the runners to go on).
    await items.nth(2).getByRole('button', { name: 'Cancel' }).click();
  } finally {
    resume();
  }
  // Both tabs see every job end, and the other tab's gallery shows the two images without a reload.
  await expect(page.getByRole('heading', { name: 'Queue (0)' })).toBeVisible({ timeout: 30_000 });
  await expect(other.getByRole('heading', { name: 'Queue (0)' })).toBeVisible({ timeout: 30_000 });
  await expect(other.getByRole('button', { name: new RegExp(`Show “${prompt}”`) })).toHaveCount(2);
  const cancelled = await stack.api.history.generations.query({ status: 'cancelled', limit: 500 });
  expect(cancelled.items.filter((g) => g.prompt === prompt)).toHaveLength(1);
});

test('the form says what is wrong next to the field, and Ctrl+Enter obeys the disabled button', async ({ page, stack }) => {
  await freshForm(page);
  const before = (await stack.api.history.generations.query({ limit: 500 })).items.length;
  await page.getByLabel('Prompt', { exact: true }).fill('a red circle on a blue background');
  const steps = page.getByLabel('Steps');
  await steps.fill('');
  await expect(steps).toHaveAttribute('aria-invalid', 'true');
  await expect(steps).toHaveAccessibleDescription(/Enter steps/);
  await expect(page.getByRole('button', { name: 'Generate', exact: true })).toBeDisabled();
  await page.getByLabel('Prompt', { exact: true }).press('Control+Enter');
  await page.getByLabel('Seed', { exact: true }).fill('99999999999');
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('9999999999');
  await expect(page.getByText(/The seed must be from 0 to 4294967295/)).toBeVisible();
  await page.getByLabel('Batch count').fill('17');
  await expect(page.getByText('Batch count must be a whole number from 1 to 16.')).toBeVisible();

  await steps.fill('10');
  await page.getByLabel('Seed', { exact: true }).fill('5');
  await page.getByLabel('Batch count').fill('2');
  await expect(steps).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(/Enter steps|The seed must|Batch count must/)).toHaveCount(0);
  expect((await stack.api.history.generations.query({ limit: 500 })).items.length).toBe(before);
  await page.getByLabel('Prompt', { exact: true }).press('Control+Enter');
  await expect(page.getByRole('heading', { name: 'Result' })).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('dl').filter({ hasText: 'Sampler' })).toContainText('DPM++ 2M');
});

test('a failed load shows its error once, and Reset clears it', async ({ page, stack }) => {
  // A model that registers, then breaks: its UNet is no longer an ONNX file when it is loaded.
  const folder = join(stack.modelsDir, 'breaks-later');
  await writeTinyModel(folder);
  if (!(await stack.api.models.list.query()).some((m) => m.id === 'breaks-later')) await stack.api.models.register.mutate({ path: 'breaks-later' });
  await writeFile(join(folder, 'unet', 'model.onnx'), 'not an onnx file');

  await page.goto('/');
  await page.getByLabel('Model', { exact: true }).selectOption('breaks-later');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  const state = page.getByRole('status', { name: 'Model state' });
  await expect(state).toHaveText(/ERROR/);
  await expect(page.getByRole('alert').filter({ hasText: /unet/ })).toHaveCount(1);
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(state).toHaveText(/NOT LOADED/);
  await expect(page.getByRole('alert').filter({ hasText: /unet/ })).toHaveCount(0);
});

/** A 64×64 PNG, left half white, right half black. */
function twoToneImage(): Buffer {
  const png = new PNG({ width: 64, height: 64 });
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const i = (y * 64 + x) * 4;
      const v = x < 32 ? 255 : 0;
      png.data[i] = v;
      png.data[i + 1] = v;
      png.data[i + 2] = v;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

test('image to image from an uploaded file, with its strength', async ({ page, stack }) => {
  await freshForm(page);
  await page.getByLabel('Prompt', { exact: true }).fill('a huge green heart');
  await page.getByLabel('Initial image').setInputFiles({ name: 'two-tone.png', mimeType: 'image/png', buffer: twoToneImage() });
  await expect(page.getByRole('img', { name: 'Initial image' })).toBeVisible();
  const strength = page.getByLabel(/Strength/);
  await strength.fill('0.5');
  await expect(page.getByText('Strength: 0.50')).toBeVisible();
  await page.getByLabel('Seed', { exact: true }).fill('31');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Result' })).toBeVisible({ timeout: 30_000 });

  const src = await page.getByRole('img', { name: /Generated image/ }).getAttribute('src');
  const text = readPngText(new Uint8Array(await (await page.request.get(src!)).body())).parameters;
  expect(parseParameters(text ?? '')).toMatchObject({ prompt: 'a huge green heart', seed: 31, strength: 0.5 });
  // "Send to img2img" puts a result back in as the next initial image.
  await page.getByRole('button', { name: 'Remove image' }).click();
  await expect(page.getByRole('img', { name: 'Initial image' })).toBeHidden();
  await page.getByRole('button', { name: 'Send to img2img' }).click();
  await expect(page.getByRole('img', { name: 'Initial image' })).toBeVisible();
  expect((await stack.api.history.generations.query({ limit: 1 })).items[0]).toMatchObject({ prompt: 'a huge green heart', status: 'done' });
});

test('the parameters of a downloaded PNG come back when it is dropped on the page', async ({ page }) => {
  await freshForm(page);
  await page.getByLabel('Prompt', { exact: true }).fill('a blue square on a white background');
  await page.getByLabel('Negative prompt').fill('red, green');
  await page.getByLabel('Sampler').selectOption({ label: 'DDIM' });
  await page.getByLabel('Steps').fill('14');
  await page.getByLabel('Guidance').fill('5.5');
  await page.getByLabel('Seed', { exact: true }).fill('4242');
  await page.getByLabel('Width').selectOption('256');
  await page.getByLabel('Height').selectOption('320');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Result' })).toBeVisible({ timeout: 30_000 });

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download' }).click();
  const bytes = await readFile((await (await download).path())!);
  const text = readPngText(new Uint8Array(bytes)).parameters!;
  expect(text).toBe('a blue square on a white background\nNegative prompt: red, green\nSteps: 14, Sampler: DDIM, CFG scale: 5.5, Seed: 4242, Size: 256x320');

  // A fresh form, then the file dropped onto the page.
  await page.evaluate(() => window.localStorage.removeItem('easel.generate.form'));
  await page.reload();
  await expect(page.getByLabel('Prompt', { exact: true })).toHaveValue('');
  const data = await page.evaluateHandle((base64) => {
    const transfer = new DataTransfer();
    const raw = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    transfer.items.add(new File([raw], 'easel-4242.png', { type: 'image/png' }));
    return transfer;
  }, bytes.toString('base64'));
  await page.locator('.generate-layout').dispatchEvent('drop', { dataTransfer: data });
  await expect(page.getByText('Parameters read from easel-4242.png.')).toBeVisible();
  await expect(page.getByLabel('Prompt', { exact: true })).toHaveValue('a blue square on a white background');
  await expect(page.getByLabel('Negative prompt')).toHaveValue('red, green');
  await expect(page.getByLabel('Sampler')).toHaveValue('DDIM');
  await expect(page.getByLabel('Steps')).toHaveValue('14');
  await expect(page.getByLabel('Guidance')).toHaveValue('5.5');
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('4242');
  await expect(page.getByLabel('Width')).toHaveValue('256');
  await expect(page.getByLabel('Height')).toHaveValue('320');
});

test('every page fits a 390 px phone without sideways scrolling; screenshots at both widths', async ({ page, stack }, testInfo) => {
  // Something in each table and the timeline: a load and an unload of the demo model, and a finished image.
  await stack.api.models.unload.mutate({ id: 'easel-demo' });
  await stack.api.models.load.mutate({ id: 'easel-demo' });
  const { id } = await stack.api.generate.start.mutate({ prompt: 'a tiny white ring', seed: 3, steps: 4, model: 'easel-demo' });
  await expect.poll(async () => (await stack.api.generate.get.query({ id })).status, { timeout: 30_000 }).toBe('done');

  // Expected errors (a 412 for a model not loaded, a cancelled load) are not the console's business.
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  const pages: Array<[string, string, () => Promise<void>]> = [
    ['generate', '/', () => expect(page.getByRole('heading', { name: 'Images' })).toBeVisible()],
    [
      'models',
      '/models',
      async () => {
        await page.getByRole('article', { name: 'Easel demo (draws its prompt)' }).getByText('Tensors', { exact: true }).click();
        await expect(page.locator('table.tensors').first()).toBeVisible();
      },
    ],
    ['history', '/admin/history', () => expect(page.getByRole('table').first()).toBeVisible()],
  ];
  for (const [name, path, ready] of pages) {
    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      await page.setViewportSize(viewport);
      await page.goto(path);
      await ready();
      if (size === 'phone') expect(await sidewaysScrollers(page), `${name} at 390 px`).toEqual([]);
      await screenshot(page, testInfo, `${name}-${size}`);
    }
  }
  // The timeline's labels stay readable on a phone (they were about 7 px when the 800-wide chart was shrunk).
  const labelSize = await page.locator('.timeline-label').first().evaluate((el) => el.getBoundingClientRect().height);
  expect(labelSize).toBeGreaterThanOrEqual(10);
  expect(consoleErrors).toEqual([]);
});
