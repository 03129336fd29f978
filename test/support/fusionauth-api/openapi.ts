// test support: FusionAuth's OpenAPI document (docs/fusionauth-openapi/fusionauth-openapi.yaml, 1.69.0)
// as validators for the stand-in. Object schemas are closed (additionalProperties: false): FusionAuth
// silently ignores a field it doesn't know, so a misspelled one must fail here instead.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

const DOC_PATH = fileURLToPath(new URL('../../../docs/fusionauth-openapi/fusionauth-openapi.yaml', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Json = Record<string, unknown>;
interface Operation { requestBody?: { content?: Record<string, { schema?: Json }> }; responses?: Record<string, { content?: Record<string, { schema?: Json }> }> }

/** OpenAPI 3.0 → JSON Schema: `nullable` becomes a null type, object schemas are closed. */
function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'example' || k === 'discriminator') continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, convert(s)])) : convert(v);
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

// Where the document and FusionAuth disagree, FusionAuth wins (each case named):
// - `Errors.fieldErrors` is a map { "application.name": [Error] } in FusionAuth's answers, a list in the document.
function patchDocument(schemas: Json): void {
  const errors = schemas.Errors as { properties: Json };
  errors.properties.fieldErrors = { type: 'object', additionalProperties: { type: 'array', items: { $ref: '#/components/schemas/Error' } } };
}

export interface Contract {
  /** Violations of the request body's schema for `method path`, or [] (no body schema: nothing to check). */
  request(method: string, path: string, body: unknown): string[];
  response(method: string, path: string, status: number, body: unknown): string[];
}

let cached: Contract | undefined;

export function loadContract(): Contract {
  if (cached) return cached;
  const doc = parse(readFileSync(DOC_PATH, 'utf8')) as { paths: Record<string, Record<string, Operation>>; components: { schemas: Json } };
  const schemas = convert(doc.components.schemas) as Json;
  patchDocument(schemas);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  ajv.addFormat('uuid', UUID).addFormat('UUID', UUID);
  for (const f of ['URI', 'int', 'int64', 'double', 'binary']) ajv.addFormat(f, true);
  ajv.addSchema({ $id: 'fusionauth', components: { schemas } });

  const templates = Object.keys(doc.paths).map((t) => ({ t, re: new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`) }));
  const compiled = new Map<string, ValidateFunction>();
  function operation(method: string, path: string): Operation | undefined {
    const exact = doc.paths[path]?.[method.toLowerCase()];
    if (exact) return exact;
    // A literal path (/api/tenant/search) beats a template (/api/tenant/{tenantId}).
    const hit = templates.find(({ t, re }) => !t.includes('{') && re.test(path)) ?? templates.find(({ re }) => re.test(path));
    return hit ? doc.paths[hit.t]?.[method.toLowerCase()] : undefined;
  }
  function check(schema: Json | undefined, body: unknown, what: string): string[] {
    if (!schema) return [];
    const ref = String(schema.$ref ?? '');
    const key = ref || JSON.stringify(schema);
    let v = compiled.get(key);
    if (!v) {
      v = ajv.compile(ref ? { $ref: `fusionauth${ref}` } : { $id: `inline${compiled.size}`, ...(convert(schema) as Json) });
      compiled.set(key, v);
    }
    if (v(body)) return [];
    return (v.errors ?? []).map((e) => `${what}: ${e.instancePath || '(body)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : ''}`);
  }
  cached = {
    request(method, path, body) {
      const op = operation(method, path);
      if (!op) return [`${method} ${path} is not in FusionAuth's OpenAPI document`];
      return check(op.requestBody?.content?.['application/json']?.schema, body, `${method} ${path} request`);
    },
    response(method, path, status, body) {
      const op = operation(method, path);
      if (!op) return [`${method} ${path} is not in FusionAuth's OpenAPI document`];
      const r = op.responses?.[String(status)] ?? op.responses?.default;
      return check(r?.content?.['application/json']?.schema, body, `${method} ${path} ${status} response`);
    },
  };
  return cached;
}
