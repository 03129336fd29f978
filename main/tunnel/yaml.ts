// adapter: the only importer of the `yaml` package, loaded on first use. Starting tunnels never reads
// or prints YAML (only `porthole policy`, the window's "Copy …" buttons and importing the ngrok
// agent's config file do), so a start does not pay for it.
import { createRequire } from 'node:module';
import type { CreateNodeOptions, DocumentOptions, ParseOptions, SchemaOptions, ToStringOptions } from 'yaml';

type Yaml = typeof import('yaml');
let yaml: Yaml | undefined;
const load = (): Yaml => (yaml ??= createRequire(import.meta.url)('yaml') as Yaml);

export function toYaml(value: unknown, options?: DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions): string {
  return load().stringify(value, options);
}

/** Parses one YAML document; throws on text that is not YAML. */
export function fromYaml(text: string, options?: ParseOptions & DocumentOptions & SchemaOptions): unknown {
  return load().parse(text, options);
}
