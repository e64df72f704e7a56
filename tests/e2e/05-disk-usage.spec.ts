// The disk-use card on the history page: the images folder, the free space on its disk, the floor below which
// new jobs are refused and the retention in force, as storage.usage reports them.
import { expect, signIn, test } from './stack.js';

test.beforeEach(({ page, stack }) => signIn(page, stack));

test('the history page shows the disk use of the images folder', async ({ page, stack }) => {
  const usage = await stack.api.storage.usage.query();
  await page.goto('/admin/history');

  const disk = page.getByRole('region', { name: 'Disk' });
  await expect(disk).toContainText(usage.imagesDir);
  await expect(disk).toContainText('every image (no retention limit)');
  await expect(disk.getByText('New jobs refused below')).toBeVisible();
  await expect(disk.getByRole('alert')).toHaveCount(0);
});
