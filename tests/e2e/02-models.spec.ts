// The Models page and a cancelled load: a bad folder's error beside the field, registering a slow model through
// the UI, and cancelling its load from the Generate page.
import { join } from 'node:path';
import { writeTinyModel } from '../helpers/model-fixtures.js';
import { expect, screenshot, signIn, test } from './stack.js';

test.beforeEach(({ page, stack }) => signIn(page, stack));

test('registering a folder that is not a model shows the error next to the path field', async ({ page }) => {
  await page.goto('/models');
  const form = page.getByRole('form', { name: 'Register a model folder' });
  const path = form.getByLabel('Folder path');
  await path.fill('no-such-model');
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(form.getByRole('alert')).toContainText('no-such-model');
  await expect(path).toHaveAttribute('aria-invalid', 'true');
  await expect(path).toHaveAccessibleDescription(/no-such-model/);

  await path.fill('/etc');
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(form.getByRole('alert')).toContainText('/etc');
});

test('a slow model registered through the UI can have its load cancelled', async ({ page, stack }, testInfo) => {
  // This spec arranges its own state: the demo model loaded, so its card can't be removed.
  await stack.api.models.load.mutate({ id: 'easel-demo' });
  await writeTinyModel(join(stack.modelsDir, 'slow-model'), { slow: true });
  await page.goto('/models');
  await page.getByLabel('Folder path').fill('slow-model');
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  await expect(page.getByText('Registered slow-model as “slow-model”')).toBeVisible({ timeout: 30_000 });
  const card = page.getByRole('article', { name: 'slow-model' });
  await expect(card).toContainText('Size on disk');
  await expect(card).toContainText('float32');
  await expect(page.getByRole('button', { name: 'Remove Easel demo (draws its prompt)' })).toBeDisabled();
  await screenshot(page, testInfo, 'models');

  await page.goto('/');
  await page.getByLabel('Model', { exact: true }).selectOption('slow-model');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  const state = page.getByRole('status', { name: 'Model state' });
  await expect(state).toHaveText(/LOADING/);
  await expect(page.getByRole('progressbar', { name: 'Load progress' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Model parts' })).toContainText('unet');
  await page.getByRole('button', { name: 'Cancel load', exact: true }).click();
  await expect(page.getByText('The load was cancelled.')).toBeVisible();
  await expect(state).toHaveText(/NOT LOADED|IDLE/);
  await expect(page.getByRole('button', { name: 'Cancel load', exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Load', exact: true })).toBeEnabled();
});
