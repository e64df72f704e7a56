// The resident-models panel: every model held in memory with its memory against the budget, its keep-alive
// countdown and its jobs, and an Unload button per model, on the Generate and Models pages alike.
import { expect, signIn, test } from './stack.js';

test.beforeEach(({ page, stack }) => signIn(page, stack));

test('shows two resident models with memory, keep-alive and jobs, and unloads one of them', async ({ page, stack }) => {
  await stack.api.models.unload.mutate();
  await stack.api.models.load.mutate({ id: 'easel-demo', keepAlive: '10m' });
  await stack.api.models.load.mutate({ id: 'easel-demo-xl', keepAlive: -1 });

  for (const path of ['/', '/models']) {
    await page.goto(path);
    const demo = page.getByRole('listitem', { name: 'Resident model easel-demo', exact: true });
    const xl = page.getByRole('listitem', { name: 'Resident model easel-demo-xl', exact: true });
    await expect(demo).toContainText('LOADED');
    await expect(xl).toContainText('LOADED');
    // Measured once loaded; a countdown for the 10-minute keep-alive, none for the one kept forever.
    await expect(demo).toContainText('(measured)');
    await expect(demo).toContainText(/unloads in (9|10) min/);
    await expect(xl).toContainText('kept until unloaded');
    await expect(demo).toContainText('0 running, 0 queued');
    const meter = page.getByRole('meter', { name: 'Memory of easel-demo', exact: true });
    expect(Number(await meter.getAttribute('value'))).toBeGreaterThan(0);
    const total = page.getByRole('meter', { name: 'Memory used by resident models' });
    expect(Number(await total.getAttribute('value'))).toBeGreaterThan(Number(await meter.getAttribute('value')));
  }

  await page.getByRole('button', { name: 'Unload easel-demo-xl', exact: true }).click();
  await expect(page.getByRole('listitem', { name: 'Resident model easel-demo-xl', exact: true })).toHaveCount(0);
  await expect(page.getByRole('listitem', { name: 'Resident model easel-demo', exact: true })).toContainText('LOADED');
  const status = await stack.api.models.status.query();
  expect(status.models.map((m) => m.modelId)).toEqual(['easel-demo']);
  await stack.api.models.unload.mutate();
});
