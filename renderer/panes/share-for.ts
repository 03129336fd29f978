// browser: "Share for 15 min / 1 h / 4 h / until I stop" on a tunnel, and the time left. Main holds
// the deadline (wall clock, so a machine that slept past it stops the tunnel on waking); the window
// only counts down to it, once a second, without redrawing the pane.

import { SHARE_MINUTES, type ShareMinutes, type TunnelEntry } from '../../common/contract.js';
import { isRunning } from '../../common/view-rules.js';
import { act, api } from '../api.js';
import { h } from '../dom.js';

const LABEL = (m: ShareMinutes): string => (m === null ? 'Until I stop' : m < 60 ? `${m} min` : `${m / 60} h`);

/** "45 s left", "14 min left", "1 h 5 min left" (as the tray says it). */
function timeLeft(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s left`;
  const m = Math.ceil(s / 60);
  if (m < 60) return `${m} min left`;
  const rest = m % 60;
  return rest ? `${Math.floor(m / 60)} h ${rest} min left` : `${m / 60} h left`;
}

const until = (deadline: number): string => new Date(deadline).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function tick(): void {
  for (const el of document.querySelectorAll<HTMLElement>('[data-deadline]')) {
    el.textContent = timeLeft(Number(el.dataset.deadline) - Date.now());
  }
}
setInterval(tick, 1000);

/** The share buttons, the one in force pressed (as the tray ticks it), and what happens at the end. */
export function shareFor(t: TunnelEntry): HTMLElement {
  const running = isRunning(t.view.state);
  const deadline = running ? t.deadline : undefined;
  const buttons = SHARE_MINUTES.map((m) => {
    const pressed = running && (m === null ? deadline === undefined : deadline !== undefined && m === t.shareMinutes);
    const b = h('button', { class: `btn small${pressed ? ' pressed' : ''}`, type: 'button', 'data-share': m === null ? 'until-stop' : String(m), 'aria-pressed': pressed ? 'true' : 'false' }, LABEL(m));
    b.addEventListener('click', () => void act(b, () => api().shareFor({ name: t.name, minutes: m }), m === null ? 'Shared until you stop it' : `Shared for ${LABEL(m)}`));
    return b;
  });
  const status = deadline
    ? h('p', { class: 'share-left', 'data-role': 'share-left' }, `Stops at ${until(deadline)} · `, h('strong', { 'data-deadline': String(deadline) }, timeLeft(deadline - Date.now())))
    : h('p', { class: 'muted small', 'data-role': 'share-left' }, running ? 'Shared until you stop it.' : 'Starts the tunnel and stops it by itself when the time is up, even if this computer slept meanwhile.');
  return h('div', { class: 'share-for', 'data-role': 'share-for' }, h('span', { class: 'share-for-label' }, running ? 'Share for' : 'Start and share for'), h('div', { class: 'seg', role: 'group', 'aria-label': 'Share for' }, ...buttons), status);
}
