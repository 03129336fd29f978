// glue: the settings window's preload. Exposes one typed API as `window.porthole` over ipcRenderer.invoke;
// the page never sees ipcRenderer, a channel name or an IpcRendererEvent. Bundled by esbuild to one CJS file.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { INVOKE, INVOKE_KEYS, PUSH, type InvokeKey, type InvokeMethod, type PortholeApi } from '../common/contract.js';

/** One method per invoke channel, generated from the contract's key list: the payload goes as is; main validates it. */
const methods = Object.fromEntries(
  INVOKE_KEYS.map((key) => [key, (payload?: unknown) => ipcRenderer.invoke(INVOKE[key].channel, payload)]),
) as { [K in InvokeKey]: InvokeMethod<K> };

/** Subscribes to a push channel; the listener gets the data only, and the return value unsubscribes. */
function subscribe<T>(channel: { channel: string; data?: T }, listener: (data: T) => void): () => void {
  const handler = (_event: IpcRendererEvent, data: T): void => listener(data);
  ipcRenderer.on(channel.channel, handler);
  return () => {
    ipcRenderer.removeListener(channel.channel, handler);
  };
}

const api: PortholeApi = {
  ...methods,
  onState: (listener) => subscribe(PUSH.stateChanged, listener),
  onNavigate: (listener) => subscribe(PUSH.windowNavigate, listener),
  onVisits: (listener) => subscribe(PUSH.visitRecorded, listener),
};

contextBridge.exposeInMainWorld('porthole', api);
