// test support: which files may load which library at run time (test/shell/boundaries.test.ts checks it).
import ts from 'typescript';

/** The Electron glue: the only files that may import `electron` (each thin, no logic). */
export const GLUE_FILES = [
  'main/index.ts',
  'main/glue/window.ts',
  'main/glue/tray.ts',
  'main/glue/ipc.ts',
  'main/glue/electron-store.ts',
  'main/glue/notify.ts',
  'preload/index.ts',
] as const;

/**
 * Module specifiers a file loads at run time: import/export-from declarations (not `import type`;
 * under verbatimModuleSyntax `import { type X }` still loads the module), dynamic import(), require()
 * and createRequire(…)().
 */
export function runtimeImports(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.importClause?.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const e = node.moduleReference.expression;
      if (!node.isTypeOnly && ts.isStringLiteral(e)) found.push(e.text);
    } else if (ts.isCallExpression(node)) {
      const [arg] = node.arguments;
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      // createRequire(import.meta.url)('pkg'): a require made for ESM, to load a package on first use
      const isMadeRequire = ts.isCallExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 'createRequire';
      if ((isImport || isRequire || isMadeRequire) && arg && ts.isStringLiteralLike(arg)) found.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/**
 * Each package the shipped app loads at run time, and the only files that may load it: one adapter per
 * library, so its quirks, errors and version live in one place. zod is the exception on purpose: it is
 * the parser at each boundary (IPC payloads, the settings file, tunnel input, FusionAuth's API answers),
 * not a service to wrap.
 */
export const ADAPTERS: Record<string, readonly string[]> = {
  '@ngrok/ngrok': ['main/tunnel/ngrok.ts'],
  'openid-client': ['main/oidc/openid.ts'],
  '@fusionauth/typescript-client': ['main/fusionauth/client.ts'],
  yaml: ['main/tunnel/yaml.ts'],
  qrcode: ['main/app.ts'],
  conf: ['main/settings/settings-store.ts'],
  'electron-store': ['main/glue/electron-store.ts'],
  'electron-log': ['main/glue/log-file.ts'],
  zod: ['main/fusionauth/answers.ts', 'main/ipc/handlers.ts', 'main/settings/schema.ts', 'main/tunnel/validate.ts'],
};

/** True when `spec` names package `pkg` or one of its subpaths. */
export const isPackage = (spec: string, pkg: string): boolean => spec === pkg || spec.startsWith(`${pkg}/`);

/** Every module a file names, type-only imports included: a cycle of types is still a circle to read. */
export function allImports(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/**
 * The import circles of a graph (file → files it imports), each as a path that returns to its start.
 * Tarjan's strongly connected components: every component with more than one file, or a file
 * importing itself, is a circle.
 */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return out;
}
