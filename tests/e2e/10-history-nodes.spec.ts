// The node of each transition on the history page, and the log and timeline grouped by node (issue 17), kept in the
// address as ?group=node and still paging; the queue panel says which node runs a started job. On the global stack (SQLite)
// every row is this server's; with EASEL_TEST_POSTGRES_URL set, two nodes on a scratch PostgreSQL each load a
// model and the grouped log shows a gpu-a group and a gpu-b group.
import type { Page } from '@playwright/test';
import { writeTinyModel } from '../helpers/model-fixtures.js';
import { startCluster, type Cluster } from './cluster.js';
import { pauseRunners } from './runner-gate.js';
import { expect, screenshot, sidewaysScrollers, signIn, test, type Stack } from './stack.js';

/** The history page's first page of rows. */
const PAGE_SIZE = 50;
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

function transitionsTable(page: Page) {
  return page.getByRole('table', { name: 'State transitions, newest first' });
}

/** The rows of one node's group whose Node cell names it. */
function groupRows(page: Page, node: string) {
  return transitionsTable(page)
    .getByRole('rowgroup', { name: node, exact: true })
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: node, exact: true }) });
}

/** Loads and unloads the demo model until the log holds more than a page of this node's rows. */
async function moreThanAPage(stack: Stack, node: string): Promise<void> {
  const count = async () => (await stack.api.history.transitions.query({ limit: 500 })).items.filter((row) => row.node === node).length;
  while ((await count()) <= PAGE_SIZE) {
    await stack.api.models.load.mutate({ id: 'easel-demo' });
    await stack.api.models.unload.mutate({ id: 'easel-demo' });
  }
}

test.describe('on one server', () => {
  test.beforeEach(async ({ page, stack }) => {
    await signIn(page, stack);
  });

  test('each transition names its node, and the log grouped by node keeps paging and stays in the address', async ({ page, stack }, testInfo) => {
    test.setTimeout(120_000);
    const [self] = await stack.api.nodes.list.query();
    const name = self!.name;
    await moreThanAPage(stack, name);

    await page.goto('/admin/history');
    const table = transitionsTable(page);
    await expect(table.getByRole('columnheader', { name: 'Node', exact: true })).toBeVisible();
    const loads = table
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'LOAD_COMPLETED', exact: true }) })
      .filter({ has: page.getByRole('cell', { name: 'easel-demo', exact: true }) });
    await expect(loads.first().getByRole('cell', { name, exact: true })).toBeVisible();
    await expect(table.getByRole('rowgroup', { name, exact: true })).toHaveCount(0);

    await page.getByLabel('Group by node').check();
    await expect(page).toHaveURL(/[?&]group=node(&|$)/);
    await expect(table.getByRole('rowgroup', { name, exact: true })).toBeVisible();
    // Every row on this server is its own: one group, holding the whole first page.
    await expect(groupRows(page, name)).toHaveCount(PAGE_SIZE);
    await page.getByRole('button', { name: 'Load older transitions' }).click();
    await expect.poll(() => groupRows(page, name).count()).toBeGreaterThan(PAGE_SIZE);
    // The timeline's lanes are per model on each node.
    const totals = page.getByRole('table', { name: 'Time in each state' });
    await expect(totals.getByRole('columnheader', { name: 'Node · model' })).toBeVisible();
    await expect(totals.getByRole('rowheader', { name: `${name} · easel-demo`, exact: true })).toBeVisible();
    await screenshot(page, testInfo, 'history-by-node');
    await page.setViewportSize(PHONE);
    expect(await sidewaysScrollers(page), '/admin/history?group=node at 390 px').toEqual([]);
    await screenshot(page, testInfo, 'history-by-node-phone');
    await page.setViewportSize(DESKTOP);

    // A reload (or a shared link) shows the same view.
    await page.reload();
    await expect(page.getByLabel('Group by node')).toBeChecked();
    await expect(groupRows(page, name)).toHaveCount(PAGE_SIZE);

    await page.getByLabel('Group by node').uncheck();
    await expect(page).not.toHaveURL(/group=node/);
    await expect(table.getByRole('rowgroup', { name, exact: true })).toHaveCount(0);
    await expect(loads.first()).toBeVisible();
    await expect(totals.getByRole('rowheader', { name: 'easel-demo', exact: true })).toBeVisible();
  });

  test('the queue says which node runs a started job', async ({ page, stack }) => {
    const [self] = await stack.api.nodes.list.query();
    await stack.api.models.load.mutate({ id: 'easel-demo' });
    for (const job of await stack.api.generate.jobs.query()) await stack.api.generate.cancel.mutate({ id: job.id });
    await page.goto('/');
    // The runners stopped: the job stays started for as long as the test looks.
    const resume = pauseRunners(stack.modelsDir);
    try {
      await stack.api.generate.start.mutate({ prompt: 'a square held on its node', seed: 3, steps: 4, model: 'easel-demo' });
      await expect(page.getByRole('listitem', { name: 'Job: a square held on its node' })).toContainText(`on ${self!.name}`);
    } finally {
      resume();
    }
    await expect(page.getByRole('heading', { name: 'Queue (0)' })).toBeVisible({ timeout: 30_000 });
  });
});

const postgresUrl = process.env.EASEL_TEST_POSTGRES_URL;
if (postgresUrl) {
  const clusterTest = test.extend<{ cluster: Cluster }>({
    cluster: [
      async ({ stack }, use) => {
        const cluster = await startCluster({ postgresUrl, nodeNames: ['gpu-a', 'gpu-b'], heartbeatMs: 1000, adminToken: stack.adminToken });
        try {
          await use(cluster);
        } finally {
          await cluster.close();
        }
      },
      { timeout: 90_000 },
    ],
  });

  clusterTest('on a shared PostgreSQL, the history grouped by node shows each node’s loads under its name, and the queue a job’s node', async ({ page, cluster }, testInfo) => {
    clusterTest.setTimeout(120_000);
    const gpuA = cluster.nodes.get('gpu-a')!;
    const gpuB = cluster.nodes.get('gpu-b')!;
    // The same small model in each node's own models folder; the registry is shared, so it is registered once.
    await writeTinyModel(`${gpuA.modelsDir}/tiny`);
    await writeTinyModel(`${gpuB.modelsDir}/tiny`);
    const { id } = await gpuA.client.models.register.mutate({ path: 'tiny' });
    // Each node loads it through its own client, so each writes its own audit rows.
    await gpuA.client.models.load.mutate({ id, node: 'gpu-a' });
    await gpuB.client.models.load.mutate({ id, node: 'gpu-b' });

    await signIn(page, cluster.stack);
    await page.goto(`${cluster.stack.webUrl}/admin/history?group=node`);
    await expect(page.getByLabel('Group by node')).toBeChecked();
    const table = transitionsTable(page);
    for (const node of ['gpu-a', 'gpu-b']) {
      const loaded = groupRows(page, node)
        .filter({ has: page.getByRole('cell', { name: id, exact: true }) })
        .filter({ has: page.getByRole('cell', { name: 'LOAD_COMPLETED', exact: true }) });
      await expect(loaded).toHaveCount(1);
    }
    // Groups in name order, and no row of one node in the other's group.
    await expect(table.locator('tbody')).toHaveCount(2);
    await expect(table.locator('tbody').nth(0)).toHaveAttribute('data-node', 'gpu-a');
    await expect(table.locator('tbody').nth(1)).toHaveAttribute('data-node', 'gpu-b');
    await expect(table.getByRole('rowgroup', { name: 'gpu-a', exact: true }).getByRole('cell', { name: 'gpu-b', exact: true })).toHaveCount(0);
    await expect(table.getByRole('rowgroup', { name: 'gpu-b', exact: true }).getByRole('cell', { name: 'gpu-a', exact: true })).toHaveCount(0);
    // The timeline keeps the model's time on each node apart.
    const totals = page.getByRole('table', { name: 'Time in each state' });
    await expect(totals.getByRole('rowheader', { name: `gpu-a · ${id}`, exact: true })).toBeVisible();
    await expect(totals.getByRole('rowheader', { name: `gpu-b · ${id}`, exact: true })).toBeVisible();
    await screenshot(page, testInfo, 'history-two-nodes');

    // The queue, served by gpu-a's web UI, names the node that holds a started job, whichever took it.
    await page.goto(`${cluster.stack.webUrl}/`);
    const resumeA = pauseRunners(gpuA.modelsDir);
    const resumeB = pauseRunners(gpuB.modelsDir);
    try {
      await cluster.stack.api.generate.start.mutate({ prompt: 'a square on some node', seed: 5, steps: 4, model: id });
      await expect(page.getByRole('listitem', { name: 'Job: a square on some node' })).toContainText(/on gpu-[ab]/);
    } finally {
      resumeA();
      resumeB();
    }
    await expect(page.getByRole('heading', { name: 'Queue (0)' })).toBeVisible({ timeout: 30_000 });
  });
}
