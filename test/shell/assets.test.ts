// test: the committed icons are what scripts/make-icons.mjs draws, at the sizes Electron and the OSes
// expect: tray icons at 1x and @2x per state, macOS template images in black + alpha, a 512 px app icon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pngjs from 'pngjs';
// @ts-expect-error: a plain .mjs script, no type declarations
import { icons } from '../../scripts/make-icons.mjs';

const { PNG } = pngjs;
const STATES = ['idle', 'connecting', 'online', 'error'];
const read = (name: string) => PNG.sync.read(readFileSync(join('assets', name)));

test('every tray state has 1x, @2x and macOS template variants at the right sizes; the app icon is 512 px', () => {
  const files = new Set(readdirSync('assets'));
  for (const s of STATES) {
    for (const [suffix, size] of [['', 16], ['@2x', 32], ['Template', 16], ['Template@2x', 32]] as const) {
      const name = `tray-${s}${suffix}.png`;
      assert.ok(files.has(name), `${name} exists`);
      const png = read(name);
      assert.deepEqual([png.width, png.height], [size, size], name);
    }
  }
  const icon = read('icon.png');
  assert.deepEqual([icon.width, icon.height], [512, 512]);
});

test('template images are black with alpha only, and each state draws a different shape', () => {
  const alphas = new Map<string, string>();
  for (const s of STATES) {
    const png = read(`tray-${s}Template@2x.png`);
    let opaque = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      if (png.data[i + 3]! > 0) {
        assert.deepEqual([png.data[i], png.data[i + 1], png.data[i + 2]], [0, 0, 0], `${s}: non-black pixel`);
        opaque++;
      }
    }
    assert.ok(opaque > 50, `${s} draws something`);
    alphas.set(s, Buffer.from(png.data.filter((_, i) => i % 4 === 3)).toString('base64'));
  }
  assert.equal(new Set(alphas.values()).size, STATES.length, 'monochrome icons still tell the states apart');
});

test('the committed PNGs are what scripts/make-icons.mjs draws (pixel for pixel)', () => {
  const drawn = icons() as [string, Buffer][];
  const committed = readdirSync('assets').filter((f) => f.endsWith('.png')).sort();
  assert.deepEqual(drawn.map(([n]) => n).sort(), committed);
  for (const [name, bytes] of drawn) {
    assert.ok(PNG.sync.read(bytes).data.equals(read(name).data), `${name} matches; run node scripts/make-icons.mjs`);
  }
});
