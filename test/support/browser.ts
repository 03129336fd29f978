// test support: Debian's chromium, driven by playwright-core, started the one way these machines allow
// (no sandbox as root; no background networking, which the closed network would refuse).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const MISSING = `${CHROMIUM} is not installed (apt-get install chromium)`;

/**
 * A skip reason for node:test when the browser is missing, else false. Under CI (process.env.CI set) it is
 * always false: a suite that must run but is skipped passes silently, so there the suite runs and
 * launchChromium fails it instead (.ci/run installs chromium).
 */
export const chromiumMissing: string | false = existsSync(CHROMIUM) || process.env.CI ? false : MISSING;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${MISSING}: the browser tests cannot run without it.`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
