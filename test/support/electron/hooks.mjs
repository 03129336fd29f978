// test support: a module-resolution hook (node:module register) that answers the bare specifier
// `electron` with the recording stand-in beside it, from any importer (our dist/, electron-store, …).
const STAND_IN = new URL('./index.ts', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: STAND_IN, format: 'module', shortCircuit: true };
  return next(specifier, context);
}
