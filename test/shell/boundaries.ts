// test support: which files may load which library at run time (test/shell/boundaries.test.ts checks it).
import ts from 'typescript';

/** The Electron glue: the only files that may import `electron` (each thin, no logic). */
export const GLUE_FILES = [
  'main/index.ts',
  'main/window.ts',
  'main/tray/tray.ts',
  'main/ipc/register.ts',
  'main/settings/store.ts',
  'main/notify.ts',
  'preload/index.ts',
] as const;

/**
 * Module specifiers a file loads at run time: import/export-from declarations (not `import type`;
 * under verbatimModuleSyntax `import { type X }` still loads the module), dynamic import() and require().
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
      if ((isImport || isRequire) && arg && ts.isStringLiteralLike(arg)) found.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** True when `spec` names package `pkg` or one of its subpaths. */
export const isPackage = (spec: string, pkg: string): boolean => spec === pkg || spec.startsWith(`${pkg}/`);
