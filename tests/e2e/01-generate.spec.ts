// The Generate page against the real GPU server: a live load, a generation judged by its pixels, a cancelled one.
import { readPng, near } from '../helpers/png-pixels.js';
import { expect, screenshot, signIn, test } from './stack.js';

const RED: [number, number, number] = [255, 0, 0];
const BLUE: [number, number, number] = [0, 0, 255];

test.beforeEach(({ page, stack }) => signIn(page, stack));

test('loading the demo model shows LOADED live from the status stream', async ({ page }) => {
  const calls: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/api/trpc/')) calls.push(path.slice('/api/trpc/'.length));
  });
  await page.goto('/');
  const state = page.getByRole('status', { name: 'Model state' });
  await page.getByLabel('Model', { exact: true }).selectOption('easel-demo');
  await expect(state).toHaveText(/NOT LOADED/);
  await expect(page.getByRole('button', { name: 'Unload', exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Cancel load', exact: true })).toBeDisabled();

  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(state).toHaveText(/LOADED/);
  await expect(state).not.toHaveText(/LOADING/);
  await expect(page.getByRole('button', { name: 'Load', exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Unload', exact: true })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Cancel load', exact: true })).toBeDisabled();
  // The state came over the models.onStatus stream: nothing asked for it again and again.
  expect(calls.filter((c) => c.includes('models.status'))).toEqual([]);
  expect(calls.filter((c) => c.includes('models.onStatus'))).toHaveLength(1);
});

test('generates a red circle on a blue background, with progress, parameters and download', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.getByRole('status', { name: 'Model state' })).toHaveText(/LOADED/);
  // All 18 samplers after the model's own default, named.
  await expect(page.getByLabel('Sampler').locator('option:not([value=""])')).toHaveCount(18);
  await expect(page.getByLabel('Sampler').locator('option[value=""]')).toHaveText('Model default (DPM++ 2M)');
  await page.getByLabel('Sampler').selectOption({ label: 'Euler' });
  await expect(page.getByText('Simple and fast deterministic sampler')).toBeVisible();

  await page.getByLabel('Prompt', { exact: true }).fill('a red circle on a blue background');
  await page.getByLabel('Steps').fill('20');
  await page.getByLabel('Seed', { exact: true }).fill('1234');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();

  const image = page.getByRole('img', { name: /Generated image/ });
  await expect(image).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Result' })).toBeVisible();
  const src = await image.getAttribute('src');
  const png = await readPng(await (await page.request.get(src!)).body());
  const centre = png.at(png.width / 2, png.height / 2);
  const corner = png.at(8, 8);
  expect(near(centre, RED), `centre pixel ${centre.join(',')} is red`).toBe(true);
  expect(near(corner, BLUE), `corner pixel ${corner.join(',')} is blue`).toBe(true);

  const details = page.locator('dl').filter({ hasText: 'Sampler' });
  await expect(details).toContainText('Euler');
  await expect(details).toContainText('1234');
  await expect(details.locator('div', { has: page.getByText('Time', { exact: true }) }).locator('dd')).toHaveText(/^[\d.]+ m?s \(onnxruntime [\d.]+ m?s\)$/);
  await page.getByLabel('Seed', { exact: true }).fill('');
  await page.getByLabel('Sampler').selectOption({ label: 'DDIM' });
  await page.getByRole('button', { name: 'Use all parameters', exact: true }).click();
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('1234');
  await expect(page.getByLabel('Sampler')).toHaveValue('EULER');

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download' }).click();
  expect((await download).suggestedFilename()).toBe('easel-1234.png');

  await expect(page.getByRole('button', { name: /Show “a red circle on a blue background”/ }).first()).toBeVisible();
  await screenshot(page, testInfo, 'generate');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, testInfo, 'generate-phone');
});

test('cancels a generation in progress', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('status', { name: 'Model state' })).toHaveText(/LOADED/);
  await page.getByLabel('Prompt', { exact: true }).fill('a green square on a yellow background');
  // The slowest settings the form allows, so there is time to press Cancel.
  await page.getByLabel('Sampler').selectOption({ label: 'Heun' });
  await page.getByLabel('Steps').fill('150');
  await page.getByLabel('Width').selectOption('1024');
  await page.getByLabel('Height').selectOption('1024');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();

  const progress = page.getByRole('progressbar', { name: 'Generation progress' });
  await expect(progress).toHaveAttribute('aria-valuenow', /^[1-9]/);
  const preview = page.getByRole('img', { name: 'Preview of the image being generated' });
  await expect(preview).toBeVisible();
  // Drawn at the image's size (1024 px, as wide as its column allows), not at the 128 px of the latent.
  expect((await preview.boundingBox())!.width).toBeGreaterThan(400);
  await expect(page.getByRole('region', { name: 'Generating' }).getByText(/about .* left/)).toBeVisible();
  await page.getByRole('button', { name: 'Cancel generation', exact: true }).click();
  await expect(page.getByText('The generation was cancelled.')).toBeVisible();
  await expect(progress).toBeHidden();
  // A cancelled job is not a result.
  await expect(page.getByRole('heading', { name: 'Result' })).toBeHidden();
});
