// pure: the desktop notifications Porthole sends, as data: what a change of the engine's views
// deserves (a tunnel came online with its URL, dropped, failed, or was found open), a stored secret to
// enter again, a timed share that ended. main/app.ts hands them to the NotifierPort.

import type { TunnelView } from '../../common/types.js';
import type { ReenterIntent } from '../../common/contract.js';
import { isOpenByMistake, settingsProblemText, type SettingsProblemFacts } from '../../common/view-rules.js';

export interface Notice {
  title: string;
  body: string;
  /** Opened in the default browser when the notification is clicked (http(s) only). */
  url?: string;
}

/** The notices for going from `prev` to `next` (both the engine's full lists). */
export function noticesFor(prev: readonly TunnelView[], next: readonly TunnelView[]): Notice[] {
  const before = new Map(prev.map((v) => [v.name, v]));
  const out: Notice[] = [];
  for (const v of next) {
    const p = before.get(v.name);
    const was = p?.state ?? 'stopped';
    if (v.state === 'online' && was !== 'online' && v.url) {
      out.push({
        title: was === 'reconnecting' ? `${v.name} is back online` : `${v.name} is online`,
        body: v.mode === 'public' ? `${v.url} — public, no sign-in` : v.url,
        url: v.url,
      });
    } else if (v.state === 'reconnecting' && was === 'online') {
      out.push({ title: `${v.name} dropped`, body: 'The connection to ngrok was lost; Porthole is reconnecting.' });
    } else if (v.state === 'error' && was !== 'error') {
      const e = v.error;
      out.push({ title: `${v.name} failed`, body: e ? `${e.message}${e.fix ? ` ${e.fix}` : ''}` : 'The tunnel stopped with an error.' });
    }
    if (isOpenByMistake(v) && p?.protection !== 'open') {
      const n: Notice = { title: `${v.name} is OPEN`, body: `Anyone with the URL gets in without signing in${v.url ? `: ${v.url}` : ''}. Stop it and check its FusionAuth settings.` };
      if (v.url) n.url = v.url;
      out.push(n);
    }
  }
  return out;
}

/** The notice for a settings or secrets file set aside at launch (the window shows the same words). */
export function settingsProblemNotice(p: SettingsProblemFacts): Notice {
  return settingsProblemText(p);
}

/** What the user is told when a stored secret can no longer be read. */
export function reenterNotice(intent: ReenterIntent): Notice {
  const what = intent.secret === 'client-secret' ? `The client secret of ${intent.tunnel}` : 'The ngrok authtoken';
  return { title: `${what} must be entered again`, body: `${what} stored on this computer cannot be decrypted any more (a new keychain or a restored backup). Your tunnels and other settings are kept: enter it again in the window.` };
}

/** What the user is told when a timed share has ended. */
export function shareEndedNotice(name: string): Notice {
  return { title: `${name} stopped: its time ran out`, body: `The share of ${name} reached the time you set, so Porthole stopped the tunnel. Start it again from the tray or the window.` };
}
