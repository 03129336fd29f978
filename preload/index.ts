// glue: the settings window's preload. Exposes one typed API as `window.porthole` over ipcRenderer.invoke;
// the page never sees ipcRenderer, a channel name or an IpcRendererEvent. Bundled by esbuild to one CJS file.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  CHANNELS,
  type InvokeKey,
  type IpcResult,
  type Payloads,
  type PortholeApi,
  type Results,
  type StateSnapshot,
  type WindowIntent,
} from './contract.js';

/** One method per invoke channel: the payload goes as is; main validates it. */
const call =
  <K extends InvokeKey>(key: K) =>
  (payload?: Payloads[K]): Promise<IpcResult<Results[K]>> =>
    ipcRenderer.invoke(CHANNELS[key], payload);

/** Subscribes to a push channel; the listener gets the data only, and the return value unsubscribes. */
function subscribe<T>(channel: string, listener: (data: T) => void): () => void {
  const handler = (_event: IpcRendererEvent, data: T): void => listener(data);
  ipcRenderer.on(channel, handler);
  return () => {
    ipcRenderer.removeListener(channel, handler);
  };
}

const api: PortholeApi = {
  getState: call('getState'),
  listTunnels: call('listTunnels'),
  saveTunnel: call('saveTunnel'),
  removeTunnel: call('removeTunnel'),
  startTunnel: call('startTunnel'),
  stopTunnel: call('stopTunnel'),
  verifyTunnel: call('verifyTunnel'),
  tunnelExtras: call('tunnelExtras'),
  copyTunnelText: call('copyTunnelText'),
  runPreflight: call('runPreflight'),
  getSettings: call('getSettings'),
  saveSettings: call('saveSettings'),
  saveCredentials: call('saveCredentials'),
  importNgrokAuthtoken: call('importNgrokAuthtoken'),
  listListeningPorts: call('listListeningPorts'),
  probePort: call('probePort'),
  copyText: call('copyText'),
  openExternal: call('openExternal'),
  secretStorageInfo: call('secretStorageInfo'),
  onState: (listener) => subscribe<StateSnapshot>(CHANNELS.stateChanged, listener),
  onNavigate: (listener) => subscribe<WindowIntent>(CHANNELS.windowNavigate, listener),
};

contextBridge.exposeInMainWorld('porthole', api);
