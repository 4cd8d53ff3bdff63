import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DigestCache } from './src/observed/digest.ts';
import { scanRegistry, scanSkill } from './src/observed/registry.ts';
const root = mkdtempSync(join(tmpdir(), 'ht-bench-'));
for (let i = 0; i < 10000; i++) { const d = join(root, `s${i}`); mkdirSync(join(d, 'scripts'), { recursive: true }); writeFileSync(join(d, 'SKILL.md'), `---\nname: s${i}\ndescription: d\n---\nbody\n`); writeFileSync(join(d, 'scripts', 'a.py'), 'x'.repeat(i % 500)); }
const cache = new DigestCache();
let t = performance.now(); const idx = await scanRegistry(root, cache); console.log('cold', idx.skills.size, Math.round(performance.now() - t), 'ms', cache.misses);
t = performance.now(); await scanRegistry(root, cache); console.log('warm', Math.round(performance.now() - t), 'ms', cache.misses, process.memoryUsage().rss >> 20, 'MB');
t = performance.now(); for (let i = 0; i < 100; i++) await scanSkill(root, `s${i}`, cache); console.log('100 scanSkill', Math.round(performance.now() - t), 'ms');
rmSync(root, { recursive: true });
