/**
 * Builds one page (`--mode trace` or `--mode report`) into web/dist/<page>.html as a single
 * self-contained file: scripts and styles inlined, no module loader, nothing fetched at run time.
 */
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

const root = dirname(fileURLToPath(import.meta.url));

export default defineConfig(({ mode }) => {
  const page = mode === 'report' ? 'report' : 'trace';
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
