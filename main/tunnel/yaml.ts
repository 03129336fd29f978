// shell: YAML output, with the `yaml` package loaded on first use. Starting tunnels never prints YAML
// (only `porthole policy` and the window's "Copy …" buttons do), so a start does not pay for it.
import { createRequire } from 'node:module';
import type { CreateNodeOptions, DocumentOptions, SchemaOptions, ToStringOptions } from 'yaml';

type Yaml = typeof import('yaml');
let yaml: Yaml | undefined;

export function toYaml(value: unknown, options?: DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions): string {
  yaml ??= createRequire(import.meta.url)('yaml') as Yaml;
  return yaml.stringify(value, options);
}
