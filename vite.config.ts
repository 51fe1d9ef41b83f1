/**
 * One config for the app build (client/ → dist/) and for Vitest (tests/ in Node).
 *
 * simple-peer is aliased to its prebuilt browser bundle: its CommonJS source needs
 * Node's `global`, `events` and `process`, which Vite does not polyfill.
 * wa-sqlite is excluded from dependency pre-bundling so its .wasm files resolve next
 * to their loaders.
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

const projectRoot = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root: 'client',
  publicDir: false,
  plugins: [vue()],
  resolve: {
    alias: { 'simple-peer': 'simple-peer/simplepeer.min.js' },
  },
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@journeyapps/wa-sqlite'] },
  test: {
    root: projectRoot,
    include: ['tests/{unit,component,contract,sim,integration}/**/*.test.ts'],
    // Browser-mode tests (real OPFS in Chromium) run under vitest.browser.config.ts.
    exclude: ['tests/**/*.browser.test.ts', 'node_modules/**'],
    environment: 'node',
    testTimeout: 20_000,
  },
})
