/**
 * Puts data into a built page template. The template (web/dist/*.html, one self-contained file)
 * holds `<script id="reckon-data" type="application/json">null</script>`; the data goes in as
 * gzip + base64 (decoded in the page with DecompressionStream), which cannot contain `</script>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ReckonError } from '../domain/errors.js';

export type PageName = 'trace' | 'report';

/** web/dist beside the package root: from src/web (tests) and dist/web (built) alike. */
export function templateDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', 'web', 'dist');
}

/** The built single-file template of a page; throws a clear error when `npm run build:web` has not run. */
export function loadTemplate(page: PageName): string {
  const file = resolve(templateDir(), `${page}.html`);
  if (!existsSync(file)) throw new ReckonError('INVARIANT', `page template ${file} is missing: run "npm run build:web"`);
  return readFileSync(file, 'utf8');
}

/** gzip + base64 of the JSON text of `data`. */
export function encodeData(data: unknown): string {
  return gzipSync(Buffer.from(JSON.stringify(data), 'utf8'), { level: 6 }).toString('base64');
}

/** Replaces the data placeholder of `template` (the last one: the bundle precedes it) and the title. */
export function embed(template: string, data: unknown, title: string): string {
  const marker = '<script id="reckon-data" type="application/json">';
  const start = template.lastIndexOf(marker);
  const end = start < 0 ? -1 : template.indexOf('</script>', start);
  if (start < 0 || end < 0) throw new Error('page template has no reckon-data placeholder');
  const tag = `<script id="reckon-data" type="application/octet-stream" data-encoding="gzip+base64">${encodeData(data)}</script>`;
  const safeTitle = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const page = template.slice(0, start) + tag + template.slice(end + '</script>'.length);
  return page.replace(/<title>[^<]*<\/title>/, () => `<title>${safeTitle}</title>`);
}
