// Lessons quote the engine's real source at build time, by symbol, so a quote
// never drifts from the code it explains. The TypeScript compiler finds the
// declaration; a missing file or symbol fails the build with a clear message.
import ts from 'typescript';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';

export interface SourceExcerpt {
  /** The declaration's text (with its doc comment), dedented. */
  code: string;
  /** 1-based lines of the declaration in the file. */
  startLine: number;
  endLine: number;
}

export class SourceQuoteError extends Error {}

/**
 * Extract `symbol` from `file` (a path relative to `root`). `symbol` is a
 * top-level function, class, interface, type, enum or const, or
 * `Class.member` (a method, accessor or property; `#private` names too).
 */
export function quoteSource(root: string, file: string, symbol: string): SourceExcerpt {
  const where = `<SourceQuote file="${file}" symbol="${symbol}">`;
  if (isAbsolute(file) || normalize(file).startsWith('..')) {
    throw new SourceQuoteError(`${where}: file must be a path inside the project, like src/engine/clock.ts.`);
  }
  const path = join(root, file);
  if (!existsSync(path)) throw new SourceQuoteError(`${where}: no file ${file} in the project.`);
  const text = readFileSync(path, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const [outer, member, extra] = symbol.split('.');
  if (!outer || extra !== undefined || member === '') {
    throw new SourceQuoteError(`${where}: symbol must be a name or Class.member.`);
  }
  const top = source.statements.find((statement) => declaredNames(statement).includes(outer));
  if (!top) {
    const known = source.statements.flatMap(declaredNames);
    throw new SourceQuoteError(
      `${where}: ${file} declares no top-level "${outer}". It declares: ${known.join(', ') || 'nothing quotable'}.`,
    );
  }
  let node: ts.Node = top;
  if (member !== undefined) {
    if (!ts.isClassDeclaration(top)) throw new SourceQuoteError(`${where}: "${outer}" is not a class, so it has no member "${member}".`);
    const found = top.members.find((m) => memberName(m) === member);
    if (!found) {
      const known = top.members.map(memberName).filter(Boolean);
      throw new SourceQuoteError(`${where}: class ${outer} has no member "${member}". Its members: ${known.join(', ')}.`);
    }
    node = found;
  }
  const start = node.getStart(source, true);
  const end = node.getEnd();
  const startLine = source.getLineAndCharacterOfPosition(start).line + 1;
  const endLine = source.getLineAndCharacterOfPosition(end).line + 1;
  // Take whole lines so the first line keeps its indentation, then dedent.
  const lines = text.split('\n').slice(startLine - 1, endLine);
  return { code: dedent(lines).join('\n'), startLine, endLine };
}

function declaredNames(statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  }
  if (
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isEnumDeclaration(statement)
  ) {
    return statement.name ? [statement.name.text] : [];
  }
  return [];
}

function memberName(member: ts.ClassElement): string {
  if (ts.isConstructorDeclaration(member)) return 'constructor';
  const name = member.name;
  if (!name) return '';
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  return '';
}

function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut).trimEnd());
}

/**
 * Where a quote's caption links: set CQRS_LAB_SOURCE_URL to the repository's
 * file browser (e.g. https://example.org/cqrs-lab/blob/main) at build time.
 * Without it the caption names the file without a link, rather than a link
 * that leads nowhere.
 */
export function sourceHref(file: string, excerpt: SourceExcerpt, base = process.env.CQRS_LAB_SOURCE_URL): string | undefined {
  if (!base) return undefined;
  return `${base.replace(/\/$/, '')}/${file}#L${excerpt.startLine}-L${excerpt.endLine}`;
}
