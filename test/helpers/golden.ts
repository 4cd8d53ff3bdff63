/** Golden-file comparison: UPDATE_GOLDEN=1 rewrites the file first. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const GOLDEN_DIR = fileURLToPath(new URL('../fixtures/golden/', import.meta.url));

/** Compare `text` with test/fixtures/golden/<file>. */
export function expectGolden(file: string, text: string): void {
  const path = GOLDEN_DIR + file;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, 'utf8'));
}
