// browser: the tunnel form's local port — type it or pick a listening port (which also suggests a name),
// with a warning when nothing listens there.

import type { ListeningPort } from '../../common/contract.js';
import { defaultTunnelName } from '../../common/view-rules.js';
import { api } from '../api.js';
import { h } from '../dom.js';
import { field } from '../fields.js';

interface TargetFields {
  name: HTMLInputElement;
  target: HTMLInputElement;
  /** The name to save: as typed, else the one proposed from the port (the CLI's rule). */
  nameValue(): string;
  /** The port and name fields side by side. */
  row: HTMLElement;
  portWarning: HTMLElement;
  fillPorts(): Promise<void>;
  probe(): Promise<void>;
}

export function targetFields(existing: { name: string; target: string } | undefined): TargetFields {
  const name = h('input', { id: 'f-name', name: 'name', type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'port-3000', value: existing?.name ?? '' });
  const target = h('input', { id: 'f-target', name: 'target', type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: '3000 or 127.0.0.1:8080', value: existing?.target ?? '' });
  const pick = h('select', { id: 'f-port-pick', 'aria-label': 'Ports listening on this computer' }, h('option', { value: '' }, 'Listening ports…'));
  const refresh = h('button', { class: 'btn small', type: 'button', title: 'Refresh the list of listening ports' }, 'Refresh');
  const portWarning = h('p', { class: 'warning', id: 'target-warning', hidden: true });
  let ports: ListeningPort[] = [];
  let probeTimer: ReturnType<typeof setTimeout> | undefined;

  const fillPorts = async (): Promise<void> => {
    const r = await api().listListeningPorts();
    ports = r.ok ? r.value : [];
    pick.replaceChildren(h('option', { value: '' }, ports.length ? `Listening ports (${ports.length})…` : 'No listening ports found'));
    for (const p of ports) pick.append(h('option', { value: String(p.port) }, `${p.port} — ${p.process ?? 'unknown process'}${p.pid ? ` (pid ${p.pid})` : ''}`));
    if (/^\d+$/.test(target.value) && ports.some((p) => String(p.port) === target.value)) pick.value = target.value;
  };
  const probe = async (): Promise<void> => {
    const value = target.value.trim();
    const m = /^(?:(?:localhost|127\.0\.0\.1|\[::1\]):)?(\d{1,5})$/.exec(value);
    if (!m) {
      portWarning.hidden = true;
      return;
    }
    const port = Number(m[1]);
    if (port < 1 || port > 65535) return;
    const r = await api().probePort({ port });
    if (target.value.trim() !== value) return; // typed on meanwhile
    portWarning.hidden = !r.ok || r.value.listening;
    portWarning.textContent = `Nothing is listening on port ${port} right now. Start your app first, or check the port.`;
  };
  // The name proposed for the port typed or picked, as `porthole share <port>` would name it; left empty, it is used.
  const propose = (): void => {
    if (!existing) name.placeholder = target.value.trim() ? defaultTunnelName(target.value) : 'port-3000';
  };
  pick.addEventListener('change', () => {
    if (!pick.value) return;
    target.value = pick.value;
    propose();
    void probe();
  });
  target.addEventListener('input', () => {
    propose();
    if (probeTimer) clearTimeout(probeTimer);
    probeTimer = setTimeout(() => void probe(), 350);
  });
  refresh.addEventListener('click', () => void fillPorts());

  const row = h(
    'div',
    { class: 'two' },
    field({ key: 'target', label: 'Local port', control: target, extra: h('div', { class: 'port-pick' }, pick, refresh), hint: 'Pick a port your app listens on, or type one.' }),
    field({ key: 'name', label: 'Name', control: name, hint: 'Lowercase letters, digits and dashes. Left empty: the name shown, from the port.' }),
  );
  propose();
  // a stored tunnel keeps its name: emptied, it is an error, never a silent rename
  const nameValue = (): string => name.value.trim() || (!existing && target.value.trim() ? defaultTunnelName(target.value) : '');
  return { name, target, nameValue, row, portWarning, fillPorts, probe };
}
