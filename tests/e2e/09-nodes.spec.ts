// The Nodes page (issue 17): every GPU server sharing the database, live. On the global stack (SQLite) it lists
// this one server; with EASEL_TEST_POSTGRES_URL set, a real two-node cluster on a scratch PostgreSQL shows a
// killed node turn lost without a reload. The Generate page says which node ran an image.
import type { Page } from '@playwright/test';
import { startCluster, type Cluster } from './cluster.js';
import { expect, screenshot, sidewaysScrollers, signIn, test } from './stack.js';

const PHONE = { width: 390, height: 844 };
/** Lost after 3 missed beats: under a second, so the page must show it within a few refreshes. */
const HEARTBEAT_MS = 300;

/** Marks the document, so a later check can tell it was never reloaded. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => document.documentElement.setAttribute('data-not-reloaded', ''));
}

async function expectSameDocument(page: Page): Promise<void> {
  await expect(page.locator('html[data-not-reloaded]')).toHaveCount(1);
}

test.describe('on one server', () => {
  test.beforeEach(async ({ page, stack }) => {
    await signIn(page, stack);
    await stack.api.models.unload.mutate();
  });

  test('lists this server as alive with its device, and a model loaded through the API appears live', async ({ page, stack }, testInfo) => {
    const [self] = await stack.api.nodes.list.query();
    const name = self!.name;
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Nodes' }).click();
    await expect(page).toHaveURL(/\/nodes$/);
    await expect(page.getByRole('link', { name: 'Nodes' })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { name: 'Nodes', level: 1 })).toBeVisible();
    for (const header of ['Node', 'State', 'URL', 'Device', 'Models', 'Memory', 'Max models', 'Queue', 'Last heartbeat']) {
      await expect(page.getByRole('columnheader', { name: header, exact: true })).toBeVisible();
    }
    await expect(page.getByRole('status', { name: 'Node count' })).toHaveText('1 node, 1 alive');

    const row = page.getByTestId(`node-${name}`);
    await expect(row.getByRole('rowheader')).toHaveText(name);
    await expect(row.getByRole('cell').nth(0)).toHaveText('alive');
    await expect(row).toContainText(self!.url);
    await expect(row.getByRole('cell').nth(2)).toHaveText('cpu');
    await expect(row.getByRole('cell').nth(3)).toHaveText('none');
    await expect(row).toContainText(/\d+ s ago/);

    await markDocument(page);
    await stack.api.models.load.mutate({ id: 'easel-demo' });
    const models = row.getByRole('list', { name: `Models on ${name}` });
    await expect(models.getByRole('listitem')).toHaveCount(1);
    await expect(models).toContainText('easel-demo');
    await expect(models).toContainText('LOADED');
    await expect(row.getByRole('cell').nth(4)).not.toHaveText(/^0 B of/);
    await expectSameDocument(page);
    await screenshot(page, testInfo, 'nodes-one-server');

    await page.setViewportSize(PHONE);
    expect(await sidewaysScrollers(page), '/nodes at 390 px').toEqual([]);
    await screenshot(page, testInfo, 'nodes-phone');

    await stack.api.models.unload.mutate();
    await expect(row.getByRole('cell').nth(3)).toHaveText('none');
    await expectSameDocument(page);
  });

  test('the Generate page says which node ran an image', async ({ page, stack }) => {
    const [self] = await stack.api.nodes.list.query();
    await stack.api.models.load.mutate({ id: 'easel-demo' });
    const { id } = await stack.api.generate.start.mutate({ prompt: 'a node-named square', seed: 9, steps: 4, model: 'easel-demo' });
    await expect.poll(async () => (await stack.api.generate.get.query({ id })).status, { timeout: 30_000 }).toBe('done');
    expect((await stack.api.generate.get.query({ id })).node).toBe(self!.name);

    await page.goto('/');
    await page.getByRole('button', { name: /Show “a node-named square”/ }).first().click();
    const viewer = page.getByRole('dialog', { name: 'Full-size image' });
    await expect(viewer).toContainText(`on ${self!.name}`);
    await viewer.getByRole('button', { name: 'Show details' }).click();
    const details = page.getByRole('region', { name: 'Result' });
    await expect(details.getByRole('definition').filter({ hasText: self!.name })).toHaveCount(1);
    await expect(details.getByText('Node', { exact: true })).toBeVisible();
    await stack.api.models.unload.mutate();
  });
});

const postgresUrl = process.env.EASEL_TEST_POSTGRES_URL;
if (postgresUrl) {
  const clusterTest = test.extend<{ cluster: Cluster }>({
    cluster: [
      async ({ stack }, use) => {
        const cluster = await startCluster({ postgresUrl, nodeNames: ['gpu-a', 'gpu-b'], heartbeatMs: HEARTBEAT_MS, adminToken: stack.adminToken });
        try {
          await use(cluster);
        } finally {
          await cluster.close();
        }
      },
      { timeout: 90_000 },
    ],
  });

  clusterTest('on a shared PostgreSQL, lists both nodes and shows a killed one as lost without a reload', async ({ page, cluster }, testInfo) => {
    const gpuA = cluster.nodes.get('gpu-a')!;
    const gpuB = cluster.nodes.get('gpu-b')!;
    await signIn(page, cluster.stack);
    await page.goto(`${cluster.stack.webUrl}/nodes`);

    const rowA = page.getByTestId('node-gpu-a');
    const rowB = page.getByTestId('node-gpu-b');
    await expect(rowA.getByRole('cell').nth(0)).toHaveText('alive');
    await expect(rowB.getByRole('cell').nth(0)).toHaveText('alive');
    await expect(rowA).toContainText(gpuA.url);
    await expect(rowB).toContainText(gpuB.url);
    await expect(page.getByRole('status', { name: 'Node count' })).toHaveText('2 nodes, 2 alive');
    await screenshot(page, testInfo, 'nodes-two-alive');

    await markDocument(page);
    await gpuB.kill();
    await expect(rowB.getByRole('cell').nth(0)).toHaveText('lost');
    await expect(rowA.getByRole('cell').nth(0)).toHaveText('alive');
    await expect(page.getByRole('status', { name: 'Node count' })).toHaveText('2 nodes, 1 alive');
    await expectSameDocument(page);
    await screenshot(page, testInfo, 'nodes-one-lost');
  });
}
