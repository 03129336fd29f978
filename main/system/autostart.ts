// adapter: "start at login" on Linux, where Electron's app.setLoginItemSettings does nothing: an XDG
// autostart entry (~/.config/autostart/porthole.desktop, freedesktop.org Desktop Application Autostart
// spec). macOS and Windows use Electron's login items (main/index.ts picks).

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LoginItemPort } from '../ports.js';

interface XdgAutostartOptions {
  /** The program to start: the AppImage file ($APPIMAGE) when there is one, else the executable. */
  exec: string;
  /** Environment (XDG_CONFIG_HOME) and home directory; default process.env and os.homedir(). */
  env?: Record<string, string | undefined>;
  home?: string;
}

/** Where the autostart entry lives: `$XDG_CONFIG_HOME/autostart/porthole.desktop` (default ~/.config). */
export function autostartFile(opts: Pick<XdgAutostartOptions, 'env' | 'home'> = {}): string {
  const env = opts.env ?? process.env;
  const config = env.XDG_CONFIG_HOME?.trim() || join(opts.home ?? homedir(), '.config');
  return join(config, 'autostart', 'porthole.desktop');
}

/**
 * One Exec argument as the Desktop Entry spec wants it: quoted when it holds anything special, with
 * `"`, `` ` ``, `$` and `\` escaped inside the quotes, and `%` (field codes) doubled.
 */
export function desktopExecArg(arg: string): string {
  const field = arg.replace(/%/g, '%%');
  if (!/[\s"'\\`$<>~|&;*?#()]/.test(field)) return field;
  return `"${field.replace(/(["`$\\])/g, '\\$1')}"`;
}

/** The autostart entry's text. */
export function autostartEntry(exec: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Porthole',
    'Comment=ngrok tunnels with FusionAuth sign-in, from the tray',
    `Exec=${desktopExecArg(exec)}`,
    'Icon=porthole',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Is this entry switched on? The spec's Hidden=true, and GNOME's own switch, both mean off. */
function enabled(text: string): boolean {
  return !/^\s*Hidden\s*=\s*true\s*$/im.test(text) && !/^\s*X-GNOME-Autostart-enabled\s*=\s*false\s*$/im.test(text);
}

/** A LoginItemPort over the XDG autostart entry. Never throws: an unwritable folder reads as "off". */
export function createXdgAutostart(opts: XdgAutostartOptions): LoginItemPort {
  const file = autostartFile(opts);
  return {
    get() {
      try {
        return existsSync(file) && enabled(readFileSync(file, 'utf8'));
      } catch {
        return false;
      }
    },
    set(on) {
      try {
        if (on) {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, autostartEntry(opts.exec), { mode: 0o644 });
        } else {
          rmSync(file, { force: true });
        }
      } catch {
        // get() then tells the truth, and the settings follow it at the next launch
      }
    },
  };
}
