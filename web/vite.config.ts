/**
 * Builds one page (`--mode trace`, `--mode report` or `--mode console`) into web/dist/<page>.html
 * as a single self-contained file: scripts and styles inlined, no module loader, nothing fetched
 * at load time (the console then talks only to the origin that served it: its own API).
 */
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

const root = dirname(fileURLToPath(import.meta.url));
const PAGES = ['trace', 'report', 'console'] as const;

export default defineConfig(({ mode }) => {
  const page = PAGES.find((p) => p === mode) ?? 'trace';
  return {
    root,
    base: './',
    logLevel: 'warn',
    plugins: [react(), viteSingleFile({ removeViteModuleLoader: true })],
    build: {
      outDir: resolve(root, 'dist'),
      emptyOutDir: false,
      target: 'es2022',
      reportCompressedSize: false,
      chunkSizeWarningLimit: 4096,
      rolldownOptions: { input: resolve(root, `${page}.html`) },
    },
  };
});
