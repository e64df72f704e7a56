// After the connection drops, the UI comes back with the server's current state, not the one it last saw.
import { expect, signIn, test } from './stack.js';

test.beforeEach(({ page, stack }) => signIn(page, stack));

test('after a dropped connection the Generate page shows the current state', async ({ page, stack }) => {
  await stack.api.models.load.mutate({ id: 'easel-demo' });
  await page.goto('/');
  await page.getByLabel('Model', { exact: true }).selectOption('easel-demo');
  const state = page.getByRole('status', { name: 'Model state' });
  const connection = page.getByRole('status', { name: 'Server connection' });
  await expect(state).toHaveText(/LOADED/);
  await expect(connection).toContainText('Live');

  // Drop the status stream and refuse new ones (Chromium's offline mode leaves open streams alone).
  await page.route('**/api/trpc/models.onStatus**', (route) => route.abort('connectionrefused'));
  await page.evaluate(() => window.stop());
  await expect(connection).toContainText('Reconnecting');
  // The state changes while the page cannot hear about it.
  await stack.api.models.unload.mutate();
  // Actions wait for the connection: nothing can be sent into a dead stream.
  await expect(page.getByRole('button', { name: 'Generate', exact: true })).toBeDisabled();
  await expect(page.getByText('The server connection is lost; actions come back with it.')).toBeVisible();
  await page.unroute('**/api/trpc/models.onStatus**');

  await expect(connection).toContainText('Live', { timeout: 30_000 });
  await expect(state).toHaveText(/NOT LOADED|IDLE/);
  await expect(page.getByRole('button', { name: 'Unload', exact: true })).toBeDisabled();
});
