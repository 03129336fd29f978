// glue: applies the pure tray model (main/tray/model.ts, via app.ts) to an Electron Tray: menu, icon, tooltip.

import { join } from 'node:path';
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { TrayModel, TrayPort } from '../ports.js';
import type { MenuItemSpec, TrayIconName } from '../tray/menu.js';

interface TrayOptions {
  /** The folder holding tray-<name>.png, @2x and the macOS …Template.png variants (dist/assets). */
  assetsDir: string;
  /** A menu item with an id was clicked. */
  onMenuItem(id: string): void;
  platform?: NodeJS.Platform;
}

/** Creates the tray icon (call after app 'ready') and returns the TrayPort that redraws it. */
export function createTray(opts: TrayOptions): TrayPort {
  const platform = opts.platform ?? process.platform;
  const images = new Map<TrayIconName, NativeImage>();
  // nativeImage picks up the @2x file itself, and treats a name ending in "Template" as a macOS template image
  const image = (name: TrayIconName): NativeImage => {
    let img = images.get(name);
    if (!img) {
      const file = platform === 'darwin' ? `tray-${name}Template.png` : `tray-${name}.png`;
      img = nativeImage.createFromPath(join(opts.assetsDir, file));
      images.set(name, img);
    }
    return img;
  };
  const toTemplate = (item: MenuItemSpec): MenuItemConstructorOptions => {
    const { id } = item;
    return {
      ...(id !== undefined ? { id, click: () => opts.onMenuItem(id) } : {}),
      ...(item.label !== undefined ? { label: item.label } : {}),
      type: item.type ?? 'normal',
      ...(item.enabled !== undefined ? { enabled: item.enabled } : {}),
      ...(item.checked !== undefined ? { checked: item.checked } : {}),
      ...(item.submenu ? { submenu: item.submenu.map(toTemplate) } : {}),
    };
  };

  const tray = new Tray(image('idle'));
  // Windows shows the menu on right-click only; a tray app's left-click should open it too
  if (platform === 'win32') tray.on('click', () => tray.popUpContextMenu());
  let icon: TrayIconName = 'idle';
  return {
    render(model: TrayModel): void {
      if (tray.isDestroyed()) return;
      tray.setContextMenu(Menu.buildFromTemplate(model.menu.map(toTemplate)));
      if (model.icon !== icon) {
        icon = model.icon;
        tray.setImage(image(icon));
      }
      tray.setToolTip(model.tooltip);
    },
  };
}
