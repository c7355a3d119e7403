/**
 * What each project's `src/index.ts` exports, and which of those names other projects import.
 * Read from the syntax only (TypeScript's parser, no type checker), so it is fast and sees files
 * that do not compile yet.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

export interface Project {
  /** The package name, `@acme/...`. */
  name: string;
  /** The project's directory, relative to the workspace root, with `/` separators. */
  dir: string;
}

/** Every name a module imports from one of our packages; `*` when it takes the whole module. */
export interface PackageImport {
  file: string;
  /** The project the importing file belongs to, or undefined outside every project. */
  from: string | undefined;
  pkg: string;
  names: string[];
}

const PROJECT_PARENTS = ['apps', 'libs', 'tools'];
const SOURCE_FILE = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage', 'gen', '.git', '.nx', 'data', 'tmp']);
const OUR_PACKAGE = /^@acme\/[^/]+$/;

export function findProjects(root: string): Project[] {
  const projects: Project[] = [];
  for (const parent of PROJECT_PARENTS) {
    if (!existsSync(join(root, parent))) continue;
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      const manifest = join(root, parent, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name && OUR_PACKAGE.test(name)) projects.push({ name, dir: `${parent}/${entry.name}` });
    }
  }
  return projects;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function hasExportModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/**
 * The names a module exports. `export *` cannot be listed without resolving the target, so it is
 * refused: a checked project names what it exports.
 */
export function exportedNames(file: string): string[] {
  const names: string[] = [];
  const source = parse(file);
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (!clause || !ts.isNamedExports(clause))
        throw new Error(`${file}: \`export *\` cannot be checked; name the exports`);
      for (const element of clause.elements) names.push(element.name.text);
    } else if (ts.isExportAssignment(statement)) {
      names.push('default');
    } else if (hasExportModifier(statement)) {
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name)) names.push(declaration.name.text);
        }
      } else if (
        (ts.isFunctionDeclaration(statement) ||
          ts.isClassDeclaration(statement) ||
          ts.isInterfaceDeclaration(statement) ||
          ts.isTypeAliasDeclaration(statement) ||
          ts.isEnumDeclaration(statement)) &&
        statement.name
      ) {
        names.push(statement.name.text);
      }
    }
  }
  return names;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* sourceFiles(join(dir, entry.name));
    } else if (SOURCE_FILE.test(entry.name)) {
      yield join(dir, entry.name);
    }
  }
}

function importsIn(file: string): { pkg: string; names: string[] }[] {
  const found: { pkg: string; names: string[] }[] = [];
  const ours = (node: ts.Expression | undefined): string | undefined =>
    node && ts.isStringLiteral(node) && OUR_PACKAGE.test(node.text) ? node.text : undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const pkg = ours(node.moduleSpecifier);
      const clause = node.importClause;
      if (pkg && clause) {
        const names: string[] = [];
        if (clause.name) names.push('default');
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) names.push('*');
        if (bindings && ts.isNamedImports(bindings)) {
          for (const element of bindings.elements) names.push((element.propertyName ?? element.name).text);
        }
        found.push({ pkg, names });
      }
    } else if (ts.isExportDeclaration(node)) {
      const pkg = ours(node.moduleSpecifier);
      if (pkg) {
        const clause = node.exportClause;
        const names =
          clause && ts.isNamedExports(clause) ? clause.elements.map((e) => (e.propertyName ?? e.name).text) : ['*'];
        found.push({ pkg, names });
      }
    } else if (ts.isImportTypeNode(node)) {
      // `import('@acme/x').Name`
      const argument = ts.isLiteralTypeNode(node.argument) ? node.argument.literal : undefined;
      const pkg =
        argument && ts.isStringLiteral(argument) && OUR_PACKAGE.test(argument.text) ? argument.text : undefined;
      if (pkg) {
        let qualifier = node.qualifier;
        while (qualifier && ts.isQualifiedName(qualifier)) qualifier = qualifier.left;
        found.push({ pkg, names: [qualifier ? qualifier.text : '*'] });
      }
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      // A dynamic `import('@acme/x')` may use any name.
      const pkg = ours(node.arguments[0]);
      if (pkg) found.push({ pkg, names: ['*'] });
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(file));
  return found;
}

/** Every import of one of our packages in the workspace, with the project it comes from. */
export function packageImports(root: string, projects: Project[]): PackageImport[] {
  const imports: PackageImport[] = [];
  const byDepth = [...projects].sort((a, b) => b.dir.length - a.dir.length);
  for (const parent of PROJECT_PARENTS) {
    if (!existsSync(join(root, parent))) continue;
    for (const file of sourceFiles(join(root, parent))) {
      const text = readFileSync(file, 'utf8');
      if (!text.includes('@acme/')) continue;
      const path = relative(root, file).split(sep).join('/');
      const from = byDepth.find((p) => path.startsWith(`${p.dir}/`))?.name;
      for (const { pkg, names } of importsIn(file)) imports.push({ file: path, from, pkg, names });
    }
  }
  return imports;
}

export interface PublicApiReport {
  /** `@acme/x: Name` for each exported name no other project imports (and no allow-list entry covers). */
  unused: string[];
  /** Allow-list entries that no longer apply: the name is gone, or another project imports it now. */
  staleAllowances: string[];
  /** `file: @acme/x` where a project imports its own package instead of a relative path. */
  selfImports: string[];
}

/**
 * Checks the `src/index.ts` of every project except `skip`: each name it exports must be imported
 * by another project (tests included), unless `allowed[package][name]` gives a reason.
 */
export function checkPublicApis(
  root: string,
  options: { skip: ReadonlySet<string>; allowed: Readonly<Record<string, Readonly<Record<string, string>>>> },
): PublicApiReport {
  const projects = findProjects(root);
  const imports = packageImports(root, projects);
  const report: PublicApiReport = { unused: [], staleAllowances: [], selfImports: [] };
  for (const project of projects) {
    if (options.skip.has(project.name)) continue;
    const allowed = options.allowed[project.name] ?? {};
    const index = join(root, project.dir, 'src/index.ts');
    const exported = existsSync(index) ? exportedNames(index) : [];
    const importedElsewhere = new Set(
      imports.filter((i) => i.pkg === project.name && i.from !== project.name).flatMap((i) => i.names),
    );
    const isImported = (name: string) => importedElsewhere.has(name) || importedElsewhere.has('*');
    for (const name of exported) {
      if (!isImported(name) && !(name in allowed)) report.unused.push(`${project.name}: ${name}`);
    }
    for (const name of Object.keys(allowed)) {
      if (!exported.includes(name)) report.staleAllowances.push(`${project.name}: ${name} is not exported any more`);
      else if (isImported(name))
        report.staleAllowances.push(`${project.name}: ${name} is imported by another project now`);
    }
    for (const own of imports.filter((i) => i.pkg === project.name && i.from === project.name)) {
      report.selfImports.push(`${own.file}: ${own.pkg}`);
    }
  }
  for (const name of Object.keys(options.allowed)) {
    if (!projects.some((p) => p.name === name)) report.staleAllowances.push(`${name}: no such project`);
    else if (options.skip.has(name)) report.staleAllowances.push(`${name}: not checked, so it needs no allowances`);
  }
  return report;
}
