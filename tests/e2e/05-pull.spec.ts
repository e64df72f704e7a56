// The Models page's "Pull from hub" form against the stack's hub: a pull with live progress that ends in a
// registered model card, a pull cancelled midway, and a repository the hub doesn't have.
import { expect, signIn, test } from './stack.js';

test.beforeEach(({ page, stack }) => signIn(page, stack));

test('pulling a model from the hub shows progress and adds its card', async ({ page }) => {
  await page.goto('/models');
  const form = page.getByRole('form', { name: 'Pull from hub' });
  await form.getByLabel('Repository').fill('easel/demo');
  await form.getByRole('button', { name: 'Pull', exact: true }).click();
  await expect(form.getByRole('progressbar', { name: 'Pull of easel/demo' })).toBeVisible();
  await expect(form.getByText('Registered as “easel--demo”')).toBeVisible({ timeout: 30_000 });
  await expect(form.getByRole('progressbar', { name: 'Pull of easel/demo' })).toHaveAttribute('aria-valuetext', /15\/15 files/);
  await expect(page.getByRole('article', { name: 'easel/demo' })).toBeVisible();
});

test('a pull can be cancelled from the form', async ({ page }) => {
  await page.goto('/models');
  const form = page.getByRole('form', { name: 'Pull from hub' });
  await form.getByLabel('Repository').fill('easel/stalled');
  await form.getByRole('button', { name: 'Pull', exact: true }).click();
  await expect(form.getByText('text_encoder/model.onnx')).toBeVisible();
  await form.getByRole('button', { name: 'Cancel pull' }).click();
  await expect(form.getByText(/Cancelled; the files downloaded so far are kept/)).toBeVisible();
  await expect(form.getByRole('button', { name: 'Cancel pull' })).toHaveCount(0);
  await expect(form.getByRole('button', { name: 'Pull', exact: true })).toBeEnabled();
});

test('a repository the hub does not have is refused next to the field', async ({ page }) => {
  await page.goto('/models');
  const form = page.getByRole('form', { name: 'Pull from hub' });
  const repo = form.getByLabel('Repository');
  await repo.fill('easel/missing');
  await form.getByRole('button', { name: 'Pull', exact: true }).click();
  await expect(form.getByRole('alert')).toContainText('"easel/missing" was not found');
  await expect(repo).toHaveAttribute('aria-invalid', 'true');
});
