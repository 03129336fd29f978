// script: draws Porthole's tray and app icons into assets/ with pngjs (signed distance fields, analytic
// anti-aliasing), so the PNGs are reproducible from code: `node scripts/make-icons.mjs`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pngjs from 'pngjs';

const { PNG } = pngjs;
const ASSETS = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets');

// --- signed distance functions, in the icon's own units (negative inside) ---
const len = (x, y) => Math.hypot(x, y);
const circle = (cx, cy, r) => (x, y) => len(x - cx, y - cy) - r;
const ring = (cx, cy, r, w) => (x, y) => Math.abs(len(x - cx, y - cy) - r) - w / 2;
const capsule = (ax, ay, bx, by, r) => (x, y) => {
  const px = x - ax, py = y - ay, vx = bx - ax, vy = by - ay;
  const h = Math.max(0, Math.min(1, (px * vx + py * vy) / (vx * vx + vy * vy)));
  return len(px - vx * h, py - vy * h) - r;
};
const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, hx = (x1 - x0) / 2 - r, hy = (y1 - y0) / 2 - r;
  const qx = Math.abs(x - cx) - hx, qy = Math.abs(y - cy) - hy;
  return len(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const union = (...fs) => (x, y) => Math.min(...fs.map((f) => f(x, y)));
const subtract = (a, b) => (x, y) => Math.max(a(x, y), -b(x, y));
/** An arc of a ring, from angle a0 to a1 (radians, clockwise from 12 o'clock), with round caps. */
const arc = (cx, cy, r, w, a0, a1) => (x, y) => {
  let a = Math.atan2(x - cx, -(y - cy));
  if (a < 0) a += 2 * Math.PI;
  if (a >= a0 && a <= a1) return Math.abs(len(x - cx, y - cy) - r) - w / 2;
  const end = (t) => len(x - (cx + r * Math.sin(t)), y - (cy - r * Math.cos(t))) - w / 2;
  return Math.min(end(a0), end(a1));
};

const hex = (h, a = 1) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), a];
const mix = (c0, c1, t) => c0.map((v, i) => v + (c1[i] - v) * Math.max(0, Math.min(1, t)));

/**
 * Renders layers (bottom first) of { shape, color } at `size` px for an icon `units` wide.
 * `color` is an rgba array or a function (x, y) → rgba, in icon units.
 */
function render(size, units, layers) {
  const png = new PNG({ width: size, height: size });
  const k = size / units;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const x = (px + 0.5) / k, y = (py + 0.5) / k;
      let r = 0, g = 0, b = 0, a = 0; // premultiplied
      for (const { shape, color } of layers) {
        const cov = Math.max(0, Math.min(1, 0.5 - shape(x, y) * k));
        if (cov === 0) continue;
        const c = typeof color === 'function' ? color(x, y) : color;
        const ca = c[3] * cov;
        r = c[0] * ca + r * (1 - ca);
        g = c[1] * ca + g * (1 - ca);
        b = c[2] * ca + b * (1 - ca);
        a = ca + a * (1 - ca);
      }
      const i = (py * size + px) * 4;
      png.data[i] = a ? Math.round(r / a) : 0;
      png.data[i + 1] = a ? Math.round(g / a) : 0;
      png.data[i + 2] = a ? Math.round(b / a) : 0;
      png.data[i + 3] = Math.round(a * 255);
    }
  }
  return PNG.sync.write(png);
}

// --- tray icons: a porthole (ring) whose centre tells the state, drawn on a 16-unit grid ---
const frame = ring(8, 8, 6.2, 1.6); // outer edge on a pixel boundary at 1x, so it stays crisp
/** Centre shapes; each state differs by shape as well as colour, so template (monochrome) icons still tell them apart. */
const CENTRES = {
  idle: null, // an empty porthole
  connecting: arc(8, 8, 3.1, 1.6, 0, 1.5 * Math.PI), // a spinner-like three-quarter arc
  online: circle(8, 8, 3.3), // a full porthole
  error: union(capsule(8, 4.9, 8, 8.6, 0.95), circle(8, 11.2, 1.05)), // an exclamation mark
};
const COLOURS = { idle: '#8a929c', connecting: '#e3a008', online: '#22a559', error: '#e5484d' };

function trayLayers(state, colour) {
  const layers = [{ shape: frame, color: colour }];
  if (CENTRES[state]) layers.push({ shape: CENTRES[state], color: colour });
  return layers;
}

// --- app icon: a brass porthole on a navy tile, with a keyhole for "signed-in users only" ---
function appLayers() {
  const c = 256;
  const tile = roundRect(40, 40, 472, 472, 96);
  const navy = (x, y) => mix(hex('#16325c'), hex('#0a1a33'), (x + y - 80) / 864);
  const brass = (x, y) => mix(hex('#f1cf6b'), hex('#a87b16'), (x + y - 120) / 700);
  const glass = (x, y) => mix(hex('#63c7e8'), hex('#1a5f9e'), (len(x - 210, y - 200)) / 190);
  const bolts = union(
    ...Array.from({ length: 8 }, (_, i) => {
      const t = (i * Math.PI) / 4 + Math.PI / 8;
      return circle(c + 162 * Math.sin(t), c - 162 * Math.cos(t), 11);
    }),
  );
  const keyhole = union(circle(c, 236, 30), capsule(c, 240, c, 300, 14));
  const glint = subtract(circle(c, c, 118), circle(c + 26, c + 30, 118));
  return [
    { shape: tile, color: navy },
    { shape: circle(c, c, 190), color: hex('#06101f', 0.35) }, // soft shadow under the frame
    { shape: circle(c, c, 184), color: brass },
    { shape: circle(c, c, 140), color: hex('#6b4c0c') }, // inner lip
    { shape: circle(c, c, 128), color: glass },
    { shape: glint, color: hex('#ffffff', 0.22) },
    { shape: bolts, color: hex('#5c420a') },
    { shape: keyhole, color: hex('#0a1a33', 0.9) },
  ];
}

/** Every file this script writes, as [name, PNG bytes]. */
export function icons() {
  const out = [];
  for (const state of Object.keys(CENTRES)) {
    const colour = hex(COLOURS[state]);
    out.push([`tray-${state}.png`, render(16, 16, trayLayers(state, colour))]);
    out.push([`tray-${state}@2x.png`, render(32, 16, trayLayers(state, colour))]);
    // macOS template images: black plus alpha only; the OS tints them for light and dark menu bars
    const black = hex('#000000');
    out.push([`tray-${state}Template.png`, render(16, 16, trayLayers(state, black))]);
    out.push([`tray-${state}Template@2x.png`, render(32, 16, trayLayers(state, black))]);
  }
  out.push(['icon.png', render(512, 512, appLayers())]);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(ASSETS, { recursive: true });
  for (const [name, bytes] of icons()) writeFileSync(join(ASSETS, name), bytes);
  console.log(`wrote ${icons().length} icons to ${ASSETS}`);
}
