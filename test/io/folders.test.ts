import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFolder } from '../../src/io/folders.js';

const tmp = mkdtempSync(join(tmpdir(), 'glimmer-folders-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('makeFolder (mkdir -p that returns)', () => {
  it('makes every missing level, and accepts a folder that is there', () => {
    const dir = join(tmp, 'a', 'b', 'c');
    makeFolder(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    makeFolder(dir);
    expect(existsSync(dir)).toBe(true);
  });

  it('throws where a level cannot be made (Node\'s recursive mkdir never returns under /proc)', () => {
    expect(() => makeFolder('/proc/glimmer-x/y')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => makeFolder('/dev/null/x')).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });
});
