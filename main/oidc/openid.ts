// adapter: openid-client, loaded on first use. Its module graph is large and most starts never need it
// (a public tunnel, the tray before any check), so the app and the CLI do not load it up front.
export type OpenidClient = typeof import('openid-client');

let loading: Promise<OpenidClient> | undefined;

export function openidClient(): Promise<OpenidClient> {
  loading ??= import('openid-client');
  return loading;
}
