// core: the inspector's operations for the window — a kept request's details (credentials shown
// only when the user asks, for that one request), "Replay" straight to the local app with the new
// answer beside the old, and "Copy as curl". The exchanges live in the engine's inspector.
import type { ExchangeView, ReplayResult } from '../../common/contract.js';
import { portholeError } from '../../common/errors.js';
import { upstreamUrlFor } from '../tunnel/forward-config.js';
import type { Exchange } from '../visits/capture.js';
import { exchangeView } from '../visits/exchange-view.js';
import { fail } from './op-error.js';
import type { Core } from './core.js';
import { findTunnel } from './tunnels.js';

function kept(core: Core, name: string, id: string): Exchange {
  const t = findTunnel(core, name);
  const x = core.deps.inspector?.exchanges.get(id);
  if (!x || x.tunnel !== t.name) return fail(portholeError('NOT_KEPT', { field: 'id' }));
  return x;
}

const viewOf = (core: Core, x: Exchange, reveal: boolean): ExchangeView => exchangeView(x, { reveal, base: upstreamUrlFor(findTunnel(core, x.tunnel).target) });

export function inspectRequest(core: Core, name: string, id: string, reveal: boolean): ExchangeView {
  return viewOf(core, kept(core, name, id), reveal);
}

export async function replayRequest(core: Core, name: string, id: string): Promise<ReplayResult> {
  const x = kept(core, name, id);
  let again: Exchange;
  try {
    again = await core.deps.inspector!.replay(x.id);
  } catch (err) {
    return fail(portholeError('REPLAY_FAILED', { message: `The request could not be sent again: ${(err as Error).message}.` }));
  }
  return { before: viewOf(core, x, false), after: viewOf(core, again, false) };
}

/** The curl command for a kept request, to put on the clipboard. */
export function curlOf(core: Core, name: string, id: string, reveal: boolean): string {
  return inspectRequest(core, name, id, reveal).curl;
}
