import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SLOW } from '../../vitest.fast.config.js';
import { ROOT } from '../helpers.js';

describe('npm run test:fast', () => {
  it('leaves out files that exist: a renamed slow test would otherwise slip back into the fast loop unnoticed', () => {
    expect(SLOW.length).toBeGreaterThan(0);
    for (const f of SLOW) expect(existsSync(`${ROOT}${f}`), f).toBe(true);
  });
});
