// test support: loaded with `node --require` into tools that phone home (electronegativity fetches its
// translations and Electron's release list). Every lookup of a non-loopback host fails at once, inside
// the process, so no packet leaves the machine; the tools carry on offline. The error code is one that
// HTTP clients (got) don't retry, so the tools give up at once instead of backing off for seconds.
'use strict';
const dns = require('node:dns');
const net = require('node:net');

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);
const refused = (hostname) =>
  Object.assign(new Error(`offline-guard: no network beyond loopback (${hostname})`), { code: 'EOFFLINEGUARD', hostname });

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  if (!LOOPBACK.has(String(hostname).toLowerCase())) return process.nextTick(cb, refused(hostname));
  return lookup.call(this, hostname, options, callback);
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = async function guardedPromisesLookup(hostname, options) {
  if (!LOOPBACK.has(String(hostname).toLowerCase())) throw refused(hostname);
  return promisesLookup.call(this, hostname, options);
};
// a literal IP skips the lookup: refuse anything outside 127.0.0.0/8 and ::1 at connect time too
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const opts = typeof args[0] === 'object' && args[0] !== null ? args[0] : { host: args[1] };
  const host = opts.host;
  if (typeof host === 'string' && net.isIP(host) && !(host.startsWith('127.') || host === '::1')) {
    process.nextTick(() => this.destroy(refused(host)));
    return this;
  }
  return connect.apply(this, args);
};
