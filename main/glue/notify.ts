// glue: desktop notifications for the NotifierPort (main/app.ts decides when and what to say).

import { Notification } from 'electron';
import type { Notice, NotifierPort, OpenExternalPort } from '../ports.js';

/** A NotifierPort over Electron's Notification; a click opens the notice's URL through `openExternal`. */
export function createNotifier(openExternal: OpenExternalPort): NotifierPort {
  // Electron drops a notification's click handler if the object is garbage-collected while it is shown
  const live = new Set<Notification>();
  return {
    notify(notice: Notice): void {
      if (!Notification.isSupported()) return;
      const n = new Notification({ title: notice.title, body: notice.body });
      const url = notice.url;
      if (url) n.on('click', () => void openExternal(url).catch(() => undefined));
      n.on('close', () => live.delete(n));
      live.add(n);
      n.show();
    },
  };
}
