/**
 * Module loader hooks a strategy worker registers for a TypeScript module: `.ts` and `.mts`
 * files are transpiled with the `typescript` package (transpileModule: types are erased,
 * never checked; use `tsc --noEmit` for that) into ES modules with an inline source map, so
 * relative imports of other `.ts` files work and stack traces point at the .ts lines.
 *
 * `typescript` is loaded only here, on the first TypeScript module (about 0.8 s); without it the
 * module fails to load with a message saying how to install it.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

type Ts = typeof import('typescript');
let ts: Ts | null = null;

const TS_FILE = /\.m?ts$/;

interface LoadContext { readonly format?: string | null }
type NextLoad = (url: string, context?: LoadContext) => Promise<{ format?: string | null; source?: unknown; shortCircuit?: boolean }>;

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<{ format?: string | null; source?: unknown; shortCircuit?: boolean }> {
  if (!url.startsWith('file:') || !TS_FILE.test(url)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  if (ts === null) {
    try {
      ts = ((await import('typescript')) as { default: Ts }).default;
    } catch {
      throw new Error(`${file} is TypeScript and the typescript package is not installed: npm install --save-dev typescript@~5.9, or compile the strategy to .mjs`);
    }
  }
  const out = ts.transpileModule(await readFile(file, 'utf8'), {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true, inlineSources: true,
      verbatimModuleSyntax: false, isolatedModules: true,
    },
  });
  const syntax = (out.diagnostics ?? []).filter((d) => d.category === ts!.DiagnosticCategory.Error);
  if (syntax.length > 0) {
    const d = syntax[0]!;
    const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
    throw new SyntaxError(`${file}${pos ? `:${pos.line + 1}:${pos.character + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
