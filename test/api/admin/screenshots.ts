/**
 * Regenerate the dashboard screenshots in docs/img/ (not a test): a real daemon over a small temp tree, Debian's
 * chromium through playwright-core.
 *
 *   npx tsx test/api/admin/screenshots.ts
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startAdmin } from './harness.ts';

const out = join(import.meta.dirname, '..', '..', '..', 'docs', 'img');
mkdirSync(out, { recursive: true });
const h = await startAdmin({
  skills: ['code-review', 'tdd', 'git-workflow', 'api-design', 'sql-tuning', 'frontend-a11y'],
  roles: [
    {
      name: 'backend',
      model: 'kimi-code/kimi-for-coding',
      skills: ['tdd', 'api-design', 'sql-tuning'],
      description: 'Server code',
    },
    { name: 'frontend', model: 'kimi-code/kimi-for-coding', skills: ['frontend-a11y', 'tdd'], thinking: false },
    {
      name: 'reviewer',
      model: 'kimi-code/kimi-for-coding',
      skills: ['code-review', 'git-workflow'],
      driftPolicy: 'report',
    },
  ],
});
writeFileSync(join(h.tree.paths.skillsDir, 'broken.md'), '---\nname: [unclosed\n---\nbody\n');
await h.manager.settled();
appendFileSync(join(h.tree.paths.rolesDir, 'reviewer', 'config.toml'), '# my own edit: keep this line\n');
await h.manager.settled();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
const shots: [string, string, (() => Promise<void>)?][] = [
  ['roles', 'roles'],
  [
    'role-edit',
    'role-edit?name=backend',
    async () => {
      await page.getByRole('button', { name: 'Render config' }).click();
      await page.getByLabel('Rendered config.toml').waitFor();
    },
  ],
  ['skills', 'skills'],
  ['config', 'config?role=reviewer'],
  ['api-docs', 'api'],
];
for (const [name, path, then] of shots) {
  await page.goto(h.tcpBase + path);
  await page.waitForFunction('window.htmx !== undefined');
  await then?.();
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(out, `dashboard-${name}.png`), fullPage: name === 'role-edit' });
  console.log(`docs/img/dashboard-${name}.png`);
}
await browser.close();
await h.stop();
