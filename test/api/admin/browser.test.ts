/**
 * The dashboard in a real browser (playwright-core driving Debian's chromium) against a real daemon over a temp
 * tree: forms, the skill matrix, live updates by server-sent events, keyboard tabs, and no console errors.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { METHODS } from '../../../src/api/rpc/methods.ts';
import { skillMd } from '../../helpers/tree.ts';
import { type AdminHarness, MARKER_KEY, startAdmin } from './harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`SKIPPED: dashboard browser tests need ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`);

/** A tiny reverse proxy standing in for hero_router: /kimi/* → admin.sock with the prefix stripped, Host kept. */
function startPrefixProxy(socketPath: string): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url !== '/kimi' && !url.startsWith('/kimi/')) {
      res.writeHead(404).end('not routed');
      return;
    }
    const upstream = httpRequest(
      { socketPath, path: url.slice('/kimi'.length) || '/', method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end('upstream down'));
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, base: `http://127.0.0.1:${(server.address() as { port: number }).port}/kimi/` }),
    ),
  );
}

describe.skipIf(!hasChromium)('dashboard in chromium', () => {
  let h: AdminHarness;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    // A debounce long enough to see a registry edit as stale before its reconcile copies it.
    h = await startAdmin({
      debounceMs: 1500,
      skills: ['alpha', 'beta', 'gamma'],
      roles: [
        { name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['alpha'] },
        { name: 'reporter', model: 'kimi-code/kimi-for-coding', driftPolicy: 'report' },
      ],
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  // One page for every test (a new page costs ~2 s on a loaded 2-core machine); each test navigates it.
  async function open(path: string, base = h.tcpBase): Promise<Page> {
    if (!page) {
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    }
    await page.goto(base + path);
    await page.waitForFunction('window.htmx !== undefined');
    return page;
  }

  afterEach(async () => {
    const html = page ? await page.content() : '';
    await page?.goto('about:blank'); // leave: the event stream closes now, not under the next test
    const seen = problems;
    problems = [];
    // No console errors on any page, and no page ever shows the key.
    expect(seen).toEqual([]);
    expect(html).not.toContain(MARKER_KEY);
  });

  const roleDir = (name: string) => join(h.tree.paths.rolesDir, name);

  it('creates a role through the form and its files appear on disk; its phase turns Ready live', async () => {
    const p = await open('role-new');
    await p.getByLabel('Name', { exact: true }).fill('web');
    await p.getByLabel('Model', { exact: true }).selectOption('kimi-code/kimi-for-coding');
    await expect.poll(() => p.locator('#f-provider').textContent()).toBe('managed:kimi-code');
    await p.getByLabel('Skills', { exact: true }).selectOption(['beta']);
    await p.getByLabel('Thinking', { exact: true }).uncheck();
    await p.getByRole('button', { name: 'Save' }).click();
    await p.waitForURL(/\/roles$/);
    await expect.poll(() => existsSync(join(roleDir('web'), 'config.toml')), { timeout: 10_000 }).toBe(true);
    expect(readFileSync(join(roleDir('web'), 'config.toml'), 'utf8')).toContain('default_thinking = false');
    expect(existsSync(join(roleDir('web'), 'skills', 'beta', 'SKILL.md'))).toBe(true);
    // Without a reload, the row reaches Ready (a word, not only a colour).
    await expect
      .poll(() => p.locator('tr[data-role="web"] [data-phase]').textContent(), { timeout: 10_000 })
      .toContain('Ready');
  });

  it('shows a validation error beside the field it belongs to', async () => {
    const p = await open('role-new');
    await p.getByLabel('Name', { exact: true }).fill('Not A Name!');
    await p.getByRole('button', { name: 'Save' }).click();
    const error = p.locator('#f-name-error');
    await expect.poll(() => error.textContent()).toContain('role name must match');
    expect(await p.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await p.getByLabel('Name', { exact: true }).getAttribute('aria-describedby')).toContain('f-name-error');
    expect(await p.locator('#f-model-error').count()).toBe(0);
    expect(await p.getByLabel('Name', { exact: true }).inputValue()).toBe('Not A Name!'); // the input is kept
    expect(h.control.store()!.roles.some((r) => r.name === 'not a name!')).toBe(false);
  });

  it('ticks a skill in the matrix and its copy appears in the role', async () => {
    const p = await open('skills');
    await p.getByRole('checkbox', { name: 'gamma for backend', exact: true }).check();
    await expect
      .poll(() => existsSync(join(roleDir('backend'), 'skills', 'gamma', 'SKILL.md')), { timeout: 10_000 })
      .toBe(true);
    expect(h.control.store()!.roles.find((r) => r.name === 'backend')!.skills).toEqual(['alpha', 'gamma']);
  });

  it('shows a registry edit as stale, then clears it once the copy is updated, without a reload', async () => {
    await h.manager.settled();
    const p = await open('skills');
    await p.evaluate('window.marker = 42');
    const badge = p.locator('[data-stale="backend/alpha"]');
    expect(await badge.count()).toBe(0);
    writeFileSync(join(h.tree.paths.skillsDir, 'alpha', 'SKILL.md'), skillMd('alpha', 'the alpha skill, edited'));
    await expect.poll(() => badge.count(), { timeout: 5000 }).toBe(1);
    expect(await badge.textContent()).toContain('stale');
    await expect.poll(() => badge.count(), { timeout: 10_000 }).toBe(0);
    expect(await p.evaluate('window.marker')).toBe(42); // same document
    expect(readFileSync(join(roleDir('backend'), 'skills', 'alpha', 'SKILL.md'), 'utf8')).toContain('edited');
  });

  it('Sync converges the ticked roles and says what it did', async () => {
    const p = await open('skills');
    await p.getByRole('checkbox', { name: 'reporter', exact: true }).check();
    await p.getByRole('button', { name: 'Sync' }).click();
    await expect
      .poll(() => p.locator('#sync-output').textContent(), { timeout: 10_000 })
      .toMatch(/reporter: ✓ converged/);
  });

  it('shows a hand edit under the report policy in the Config diff, live', async () => {
    await h.manager.settled();
    const p = await open('config?role=reporter');
    await expect.poll(() => p.locator('[data-in-sync]').count()).toBe(1);
    appendFileSync(join(roleDir('reporter'), 'config.toml'), '# my own hand edit\n');
    const diff = p.getByLabel('Diff of config.toml');
    await expect.poll(() => diff.count(), { timeout: 10_000 }).toBe(1);
    expect(await diff.textContent()).toContain('-# my own hand edit');
    expect(await p.getByLabel('config.toml on disk').textContent()).toContain('<redacted:KIMI_API_KEY>');
    expect(readFileSync(join(roleDir('reporter'), 'config.toml'), 'utf8')).toContain('# my own hand edit'); // left alone
  });

  it('Render config shows the TOML with no key; Write config shows the outcome', async () => {
    const p = await open('role-edit?name=backend');
    await p.getByRole('button', { name: 'Render config' }).click();
    const toml = p.getByLabel('Rendered config.toml');
    await expect.poll(() => toml.count()).toBe(1);
    const text = (await toml.textContent())!;
    expect(text).toContain('default_model = "kimi-code/kimi-for-coding"');
    expect(text).toContain('<redacted:KIMI_API_KEY>');
    expect(text).not.toContain(MARKER_KEY);
    await p.getByRole('button', { name: 'Write config' }).click();
    await expect
      .poll(() => p.locator('#role-output').textContent(), { timeout: 10_000 })
      .toMatch(/backend: ✓ converged \(written \d+, deleted \d+, backups \d+\)/);
  });

  it('deletes a role after confirmation and its files go', async () => {
    const p = await open('role-edit?name=web');
    p.once('dialog', (d) => void d.accept());
    await p.getByRole('button', { name: 'Delete' }).click();
    await p.waitForURL(/\/roles$/);
    expect(await p.locator('tr[data-role="web"]').count()).toBe(0);
    await expect.poll(() => existsSync(join(roleDir('web'), 'config.toml')), { timeout: 10_000 }).toBe(false);
  });

  it('API docs lists every method, and "try it" runs a read-only one', async () => {
    const p = await open('api');
    const listed = await p
      .locator('article[data-method]')
      .evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { method: string } }).dataset.method));
    expect(listed.sort()).toEqual(Object.keys(METHODS).sort());
    await p.getByRole('button', { name: 'Try role_list' }).click();
    await expect.poll(() => p.getByLabel('Answer of role_list').textContent()).toContain('"backend"');
    expect(await p.getByRole('button', { name: 'Try role_upsert' }).count()).toBe(0);
  });

  it('tabs work by keyboard', async () => {
    const p = await open('roles');
    await p.getByRole('tab', { name: 'Roles' }).focus();
    await p.keyboard.press('ArrowRight');
    expect(await p.evaluate('document.activeElement.textContent')).toBe('Skills');
    await p.keyboard.press('End');
    expect(await p.evaluate('document.activeElement.textContent')).toBe('API docs');
    await p.keyboard.press('Home');
    await p.keyboard.press('ArrowLeft');
    expect(await p.evaluate('document.activeElement.textContent')).toBe('API docs');
    await p.keyboard.press('ArrowLeft');
    await p.keyboard.press('Enter');
    await p.waitForURL(/\/config$/);
    expect(await p.getByRole('tab', { name: 'Config' }).getAttribute('aria-selected')).toBe('true');
    for (const name of ['Roles', 'Skills', 'Config', 'API docs'])
      expect(await p.getByRole('tab', { name, exact: true }).count()).toBe(1);
  });

  it('works under the /kimi prefix behind a proxy to admin.sock: links, live updates and mutations', async () => {
    const proxy = await startPrefixProxy(h.socketPath);
    try {
      const p = await open('', proxy.base);
      expect(await p.locator('tr[data-role="backend"]').count()).toBe(1);
      await p.getByRole('tab', { name: 'Skills' }).click();
      await p.waitForURL(proxy.base + 'skills');
      await p.getByRole('checkbox', { name: 'beta for reporter', exact: true }).check();
      await expect
        .poll(() => existsSync(join(roleDir('reporter'), 'skills', 'beta', 'SKILL.md')), { timeout: 10_000 })
        .toBe(true);
      await p.getByRole('tab', { name: 'API docs' }).click();
      await p.waitForURL(proxy.base + 'api');
      expect(await p.locator('article[data-method]').count()).toBe(Object.keys(METHODS).length);
      expect(await p.content()).not.toContain(MARKER_KEY);
      await p.goto('about:blank'); // before the proxy goes, or its cut event stream is an error in the page
    } finally {
      proxy.server.closeAllConnections();
      await new Promise((r) => proxy.server.close(r));
    }
  });
});
