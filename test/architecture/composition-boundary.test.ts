import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * One composition root (issue 14, docs/decisions.md): `createKefu` and src/compose/ pick the
 * adapters; HTTP routes and CLI commands get what they need and never reach a concrete store,
 * database driver or Redis client — not directly, not through a helper they call. Type-only
 * imports are erased at run time and are allowed.
 */
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

const PACKAGES = new Set(['better-sqlite3', 'pg', 'ioredis', 'redis']);
/** Adapter modules: the stores' folders and the files named after a backend. */
const isAdapterModule = (rel: string): boolean =>
  /^store\/(sqlite|postgres)\//.test(rel) || /(^|\/)postgres\//.test(rel) || /(^|\/)(sqlite|postgres|redis)-[^/]*\.ts$/.test(rel);

/** The composition root: what may pick adapters, and what a command may call to get a whole Kefu. */
const isRoot = (rel: string): boolean => rel === 'create-kefu.ts' || rel === 'server/start-server.ts' || rel === 'cli/main.ts' || rel.startsWith('compose/');

/**
 * Not Kefu's stores: the demo order system stands in for the merchant's own system (`kefu orders
 * demo`), and the simulator's world writes its customers into that database, as the shop would.
 */
const isOutsideKefu = (rel: string): boolean => rel === 'orders/demo-order-system.ts' || rel === 'eval-sim/demo-sim-world.ts';

/**
 * Modules still opening their own adapters while their seam is reworked (issue 14); each entry
 * must still offend, so the list can only shrink.
 */
const PENDING = new Map<string, string>([]);

/** Routes and commands: what must receive its adapters. */
const isBoundaryModule = (rel: string): boolean =>
  rel.startsWith('cli/') || rel.startsWith('server/routes/') || /(^|\/)[^/]*-(routes|command|commands)\.ts$/.test(rel);

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(SRC, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

/** The modules a file loads at run time: value imports, re-exports and dynamic import(). */
function runtimeImports(rel: string): string[] {
  const file = path.join(SRC, rel);
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specs: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && clause.namedBindings !== undefined &&
        ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) specs.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      specs.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] !== undefined && ts.isStringLiteral(node.arguments[0])) {
      specs.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs.map((s) => (s.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(rel), s)) : s));
}

/** Every adapter a module reaches at run time, with the import chain that reaches it. */
function adaptersReached(start: string, graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const seen = new Set<string>([start]);
  const queue: string[][] = [[start]];
  while (queue.length > 0) {
    const chain = queue.shift()!;
    for (const dep of graph.get(chain.at(-1)!) ?? []) {
      const isSrc = !dep.startsWith('../') && graph.has(dep);
      if (isSrc && isOutsideKefu(dep)) continue;
      if (PACKAGES.has(dep) || (isSrc && isAdapterModule(dep))) {
        found.push([...chain, dep].join(' -> '));
      } else if (isSrc && !isRoot(dep) && !seen.has(dep)) {
        seen.add(dep);
        queue.push([...chain, dep]);
      }
    }
  }
  return found;
}

describe('routes and commands never pick an adapter', () => {
  const files = listTs(SRC);
  const graph = new Map(files.map((f) => [f, runtimeImports(f)]));
  const boundary = files.filter((f) => isBoundaryModule(f) && !isRoot(f));

  it('finds the routes and commands it checks', () => {
    expect(boundary).toEqual(expect.arrayContaining(['cli/keys-command.ts', 'cli/kb-commands.ts', 'server/routes/admin-routes.ts', 'channels/wecom/wecom-routes.ts']));
  });

  it('no route or command module loads a concrete store, driver or Redis client', () => {
    const offending = boundary.filter((f) => !PENDING.has(f)).flatMap((f) => adaptersReached(f, graph));
    expect(offending).toEqual([]);
  });

  it('every module on the pending list still offends (else take it off)', () => {
    const done = [...PENDING.keys()].filter((f) => !graph.has(f) || adaptersReached(f, graph).length === 0);
    expect(done).toEqual([]);
  });
});
