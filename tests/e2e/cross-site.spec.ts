// A page on another origin (a tiny node:http server started here) posts forms cross-site to the web UI's proxy
// and to the GPU server, as any site a user visits could: both are refused before anything runs, and the loaded
// model stays loaded. A rebound DNS name (Host: attacker.example) gets nothing from either server, and the
// sign-in keeps its token in an HttpOnly, SameSite=Strict cookie.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { expect, test, type Stack } from './stack.js';

function attackerPage(stack: Stack): string {
  const form = (id: string, action: string, enctype: string) =>
    `<form id="${id}" method="post" action="${action}" enctype="${enctype}"><input name="json" value="{}"><button type="submit">${id}</button></form>`;
  return `<!doctype html><title>Not Easel</title>
${form('via-web', `${stack.webUrl}/api/trpc/models.unload`, 'multipart/form-data')}
${form('via-gpu', `${stack.gpuUrl}/trpc/models.unload`, 'multipart/form-data')}
${form('via-gpu-urlencoded', `${stack.gpuUrl}/trpc/models.cancel`, 'application/x-www-form-urlencoded')}
${form('via-web-text', `${stack.webUrl}/api/trpc/models.unload`, 'text/plain')}`;
}

/** The status of a raw GET carrying `host` as its Host header (fetch won't send a foreign one). */
function statusWithHost(url: string, path: string, host: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

/** Whether the demo model is loaded, read as a script would (the only model the stack loads). */
async function demoLoaded(stack: Stack): Promise<boolean> {
  return JSON.stringify(await stack.api.models.status.query()).includes('"state":"LOADED"');
}

test.describe('cross-site requests', () => {
  let attacker: Server;
  let attackerUrl: string;

  test.beforeAll(async ({ stack }) => {
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(attackerPage(stack));
    });
    await new Promise<void>((ready) => attacker.listen(0, '127.0.0.1', ready));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  });

  test.afterAll(async () => {
    await new Promise((closed) => attacker.close(closed));
  });

  test('a form posted from another origin cannot unload the model, through the web UI or the GPU server', async ({ page, stack }) => {
    await stack.api.models.load.mutate({ id: 'easel-demo' });
    expect(await demoLoaded(stack)).toBe(true);

    for (const id of ['via-web', 'via-gpu', 'via-gpu-urlencoded', 'via-web-text']) {
      await page.goto(attackerUrl);
      const answer = page.waitForResponse((response) => response.request().method() === 'POST');
      await page.locator(`#${id} button`).click();
      const response = await answer;
      expect(response.status(), id).toBe(403);
      expect(await response.text(), id).toContain('EASEL_ALLOWED_ORIGINS');
    }
    // A no-cors fetch, whose answer the page can't read, is refused all the same.
    await page.goto(attackerUrl);
    await page.evaluate(async (urls) => {
      for (const url of urls) await fetch(url, { method: 'POST', mode: 'no-cors', body: new FormData() }).catch(() => undefined);
    }, [`${stack.webUrl}/api/trpc/models.unload`, `${stack.gpuUrl}/trpc/models.unload`]);

    expect(await demoLoaded(stack)).toBe(true);
  });

  test('a request for another host name is refused by the web UI and the GPU server', async ({ stack }) => {
    expect(await statusWithHost(stack.webUrl, '/api/trpc/models.status', 'attacker.example')).toBe(403);
    expect(await statusWithHost(stack.webUrl, '/images/00000000-0000-0000-0000-000000000000.png', 'attacker.example')).toBe(403);
    expect(await statusWithHost(stack.gpuUrl, '/trpc/models.status', 'attacker.example')).toBe(403);
  });

  test('signing in keeps the token in an HttpOnly, SameSite=Strict cookie the proxy forwards', async ({ page, context, stack }) => {
    await context.clearCookies();
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Sign in to Easel' })).toBeVisible();
    await page.getByLabel('Token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('That token is neither EASEL_ADMIN_TOKEN nor EASEL_USER_TOKEN')).toBeVisible();
    await page.getByLabel('Token').fill(stack.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Signed in as' })).toContainText('admin');
    const cookie = (await context.cookies(stack.webUrl)).find((c) => c.name === 'easel_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('easel_session');
    // The page's own calls go through the proxy with the cookie's token.
    const status = await page.evaluate(async () => (await fetch('/api/trpc/auth.whoami')).json());
    expect(JSON.stringify(status)).toContain('"role":"admin"');
  });
});
