// pure: one table per input field — the words each surface uses for it (the window's label and form
// control, the CLI's flag) and the fix shown when it is wrong. Validation errors name fields by their
// path (`fusionauth.allowEmails[1]`); every surface looks its own words up here.
import { AUTH_MODES } from './types.js';

/** The window's form control (`data-field` key) and label, the CLI flag, and the fix. */
interface FieldWords {
  /** Key of the window's form control that shows this field's error. */
  control: string;
  /** The window's label. */
  window: string;
  /** The CLI flag (or argument) the value came from; absent when the CLI has none. */
  cli?: string;
  fix?: string;
  /** The CLI's fix, naming flags and environment variables; absent when the CLI's rule text says it all. */
  cliFix?: string;
}

const AUTHTOKEN_FIX = 'Copy your authtoken from https://dashboard.ngrok.com/get-started/your-authtoken.';
const CLI_AUTHTOKEN_FIX = 'Copy your authtoken from https://dashboard.ngrok.com/get-started/your-authtoken and export it as NGROK_AUTHTOKEN (or name another variable with --authtoken-env), or run `ngrok config add-authtoken <token>` once.';

/** Every field an error can name. Array indexes are stripped before the lookup (see `fieldKey`). */
const FIELDS = {
  name: { control: 'name', window: 'Name', cli: '--name', fix: 'Use 1–63 lowercase letters, digits or dashes, starting with a letter or digit (e.g. "web").' },
  target: { control: 'target', window: 'Local port', cli: '<port|host:port>', fix: 'Give the local port (e.g. 3000) or host:port (e.g. 127.0.0.1:8080).' },
  mode: { control: 'mode', window: 'Who may open the URL', cli: '--mode', fix: `Choose one of ${AUTH_MODES.join(', ')}.` },
  domain: { control: 'domain', window: 'Reserved ngrok domain', cli: '--domain', fix: 'Give a hostname reserved in the ngrok dashboard (Domains), e.g. demo.ngrok.app, or leave it empty.' },
  pool: { control: 'pool', window: 'Share this URL with other agents (pool)', cli: '--pool', fix: 'Give the tunnel a reserved domain (or use the internal mode), or turn pooling off.', cliFix: 'Give --domain with a reserved domain (or --mode internal), or drop --pool.' },
  fusionauth: { control: 'issuer', window: 'FusionAuth', cli: '--issuer/--client-id/--client-secret-file', fix: 'Fill in the FusionAuth issuer URL, client id and client secret, or choose the "public" mode on purpose.', cliFix: 'Give --issuer, --client-id and --client-secret-file PATH (or --client-secret-env NAME), or --mode public on purpose.' },
  'fusionauth.issuer': { control: 'issuer', window: 'Issuer URL', cli: '--issuer', fix: 'In FusionAuth, open Tenants > Your Tenant > General > Issuer, set it to your FusionAuth URL (e.g. https://auth.example.com), and paste the same URL here.', cliFix: 'In FusionAuth, open Tenants > Your Tenant > General > Issuer, set it to your FusionAuth URL (e.g. https://auth.example.com), and give that same URL to --issuer.' },
  'fusionauth.clientId': { control: 'clientId', window: 'Client id', cli: '--client-id', fix: 'Copy the Client Id from FusionAuth: Applications > Your App > OAuth.', cliFix: 'Copy the Client Id from FusionAuth (Applications > Your App > OAuth) and give it to --client-id.' },
  'fusionauth.clientSecret': { control: 'clientSecret', window: 'Client secret', cli: '--client-secret-file/--client-secret-env', fix: 'Copy the Client secret from FusionAuth: Applications > Your App > OAuth.', cliFix: 'Copy the Client secret from FusionAuth (Applications > Your App > OAuth) into a file for --client-secret-file PATH, or an environment variable for --client-secret-env NAME.' },
  'fusionauth.allowEmails': { control: 'allowEmails', window: 'Allowed emails', cli: '--allow-email', fix: 'Give full email addresses, e.g. alice@example.com.' },
  'fusionauth.allowDomains': { control: 'allowDomains', window: 'Allowed email domains', cli: '--allow-domain', fix: 'Give email domains without the @, e.g. example.com.' },
  'fusionauth.scopes': { control: 'scopes', window: 'Extra scopes', cli: '--scope', fix: 'Give scope names such as email or profile, without spaces.' },
  authtoken: { control: 'authtoken', window: 'Authtoken', cli: '--authtoken-env', fix: AUTHTOKEN_FIX, cliFix: CLI_AUTHTOKEN_FIX },
  /** The settings window's name for `authtoken` (the session's field). */
  ngrokAuthtoken: { control: 'authtoken', window: 'Authtoken', cli: '--authtoken-env', fix: AUTHTOKEN_FIX, cliFix: CLI_AUTHTOKEN_FIX },
  serverAddr: { control: 'serverAddr', window: 'Server address', cli: '--server-addr', fix: 'Give the ingress as host:port, e.g. connect.example.com:443.' },
  caPem: { control: 'caPem', window: 'CA certificate', cli: '--ca-file', fix: 'Give the PEM text (or file) of the CA certificate, starting with -----BEGIN CERTIFICATE-----.' },
  confirmPublic: { control: 'confirmPublic', window: 'Public confirmation' },
  allowInsecureStorage: { control: 'form', window: 'Store secrets without a keychain' },
  startAtLogin: { control: 'form', window: 'Start at login' },
} as const satisfies Record<string, FieldWords>;

export type Field = keyof typeof FIELDS;

/** `fusionauth.allowEmails[1]` → `fusionauth.allowEmails`; undefined when no field of the table. */
export function fieldKey(path: string | undefined): Field | undefined {
  if (!path) return undefined;
  const key = path.replace(/\[\d+\]/g, '');
  return Object.hasOwn(FIELDS, key) ? (key as Field) : undefined;
}

/** The surface's name for a field path: the window's label or the CLI's flag; the path itself when unknown. */
export function fieldLabel(path: string, surface: 'window' | 'cli'): string {
  const k = fieldKey(path);
  const words: FieldWords | undefined = k ? FIELDS[k] : undefined;
  return (surface === 'cli' ? words?.cli : words?.window) ?? path;
}

/** The window's form control that shows this field's error; `form` for the form as a whole. */
export function fieldControl(path: string | undefined): string {
  const k = fieldKey(path);
  return k ? FIELDS[k].control : 'form';
}

/** The fix for a field path, when the table has one. */
export function fieldFix(path: string): string | undefined {
  const k = fieldKey(path);
  const words: FieldWords | undefined = k ? FIELDS[k] : undefined;
  return words?.fix;
}

/** The CLI's fix for a field path (naming flags and environment variables), when it adds to the rule. */
export function fieldCliFix(path: string): string | undefined {
  const k = fieldKey(path);
  const words: FieldWords | undefined = k ? FIELDS[k] : undefined;
  return words?.cliFix;
}

/** The settings window names the session's `authtoken` `ngrokAuthtoken`; every other path is the same. */
export function windowField(path: string): string {
  return path === 'authtoken' ? 'ngrokAuthtoken' : path;
}

/**
 * Where FusionAuth's admin console keeps the tenant's issuer, in FusionAuth's current words (its docs:
 * Tenants, then the tenant's General tab, field Issuer). Every surface and the README say it this way.
 */
export const TENANT_ISSUER_PATH = 'Tenants > Your Tenant > General > Issuer';
/** Where FusionAuth shows an application's Client Id and Client secret. */
export const APP_OAUTH_PATH = 'Applications > Your App > OAuth';
