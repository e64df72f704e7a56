// The admin history page: the token prompt, the transitions the earlier specs made (arranged here through the API
// when this spec runs alone), filters, the live tail, CSV export and the timeline.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createEaselClient } from '../../client/index.js';
import { writeTinyModel } from '../helpers/model-fixtures.js';
import { expect, screenshot, test, type Stack } from './stack.js';

/** What the page is checked for, as the earlier specs leave it: a load of the demo model and a cancelled load of
 * slow-model, both made from the UI. */
async function arrangeHistory(stack: Stack): Promise<void> {
  const { api } = stack;
  const ui = createEaselClient({ url: `${stack.gpuUrl}/trpc`, token: stack.adminToken, actor: 'ui' });
  const byUi = async (modelId: string, reason: 'LOAD_COMPLETED' | 'LOAD_CANCELLED') =>
    (await api.history.transitions.query({ modelId, reason, limit: 100 })).items.filter((row) => row.actor === 'ui');
  if ((await byUi('easel-demo', 'LOAD_COMPLETED')).length === 0) {
    await api.models.unload.mutate();
    await ui.models.load.mutate({ id: 'easel-demo' });
  }
  if ((await byUi('slow-model', 'LOAD_CANCELLED')).length === 0) {
    if (!(await api.models.list.query()).some((model) => model.id === 'slow-model')) {
      await writeTinyModel(join(stack.modelsDir, 'slow-model'), { slow: true });
      await api.models.register.mutate({ path: 'slow-model' });
    }
    const load = ui.models.load.mutate({ id: 'slow-model' }).catch(() => undefined);
    const slowPart = async () => (await api.models.status.query()).models.find((m) => m.modelId === 'slow-model')?.loadProgress?.part;
    await expect.poll(slowPart, { timeout: 30_000 }).toBe('unet');
    await ui.models.cancel.mutate({ id: 'slow-model' });
    await load;
  }
}

test('the history page asks for a token, then lists, filters, follows and exports transitions', async ({ page, stack }, testInfo) => {
  await arrangeHistory(stack);
  await page.goto('/admin/history');
  // The server has tokens: the page asks for one first (the sign-in form, kept in a session cookie).
  await expect(page.getByRole('heading', { name: 'Sign in to Easel' })).toBeVisible();
  await page.getByLabel('Token', { exact: true }).fill(stack.adminToken);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  const table = page.getByRole('table', { name: 'State transitions, newest first' });
  await expect(table).toBeVisible();
  // Exact cells: "UNLOAD_COMPLETED" contains "LOAD_COMPLETED".
  const uiLoad = table
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: 'easel-demo', exact: true }) })
    .filter({ has: page.getByRole('cell', { name: 'LOAD_COMPLETED', exact: true }) })
    .filter({ has: page.getByRole('cell', { name: 'ui', exact: true }) });
  await expect(uiLoad.first()).toBeVisible();
  await expect(table.getByRole('row').filter({ hasText: 'slow-model' }).filter({ hasText: 'LOAD_CANCELLED' })).toHaveCount(1);

  await page.getByLabel('Reason').selectOption('LOAD_CANCELLED');
  await page.getByLabel('Model', { exact: true }).selectOption('slow-model');
  const bodyRows = table.locator('tbody').getByRole('row');
  await expect(bodyRows).toHaveCount(1);
  await expect(bodyRows.first()).toContainText('LOADING');
  await page.getByRole('button', { name: 'Clear filters', exact: true }).click();
  await expect(bodyRows.filter({ hasText: 'LOAD_REQUESTED' }).first()).toBeVisible();

  // Live tail: a transition made by a script appears without a reload. The demo model may still be resident (the
  // cache keeps it while others load), so it is unloaded first for the load to make rows.
  await stack.api.models.unload.mutate({ id: 'easel-demo' });
  const before = await bodyRows.count();
  await stack.api.models.load.mutate({ id: 'easel-demo' });
  await expect(bodyRows.first()).toContainText('LOAD_COMPLETED');
  await expect(bodyRows.first()).toContainText('script');
  expect(await bodyRows.count()).toBeGreaterThan(before);
  // Both rows of that load (requested, completed) are marked as new, not only the last.
  await expect(bodyRows.nth(0)).toHaveClass(/row-new/);
  await expect(bodyRows.nth(1)).toHaveClass(/row-new/);
  await expect(bodyRows.nth(1)).toContainText('LOAD_REQUESTED');
  // A cancelled load's text is a note, not a red error.
  const cancelledRow = bodyRows.filter({ has: page.getByRole('cell', { name: 'LOAD_CANCELLED', exact: true }) }).first();
  await expect(cancelledRow.locator('td.error-cell')).toHaveCount(0);
  await expect(cancelledRow.locator('td.note-cell')).toHaveCount(1);

  // A since after the until says so instead of silently showing nothing.
  await page.getByLabel('Since').fill('2030-01-02T00:00');
  await page.getByLabel('Until').fill('2030-01-01T00:00');
  await expect(page.getByRole('alert').filter({ hasText: '“Since” is after “Until”' })).toBeVisible();
  await expect(page.getByLabel('Since')).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Clear filters', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: '“Since” is after “Until”' })).toHaveCount(0);

  await expect(page.getByRole('img', { name: /Time each model spent in each state/ })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Time in each state' })).toContainText('slow-model');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV', exact: true }).click();
  const csv = await readFile((await (await download).path())!, 'utf8');
  const lines = csv.trim().split(/\r\n/);
  expect(lines[0]).toBe('id,time,model,from,to,reason,actor,request_id,duration_ms,error,node');
  expect(lines.some((l) => l.includes(',slow-model,LOADING,IDLE,LOAD_CANCELLED,ui,'))).toBe(true);
  expect(lines.length - 1).toBe(await bodyRows.count());

  await screenshot(page, testInfo, 'history');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, testInfo, 'history-phone');
});
