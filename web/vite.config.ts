// Builds the front end into dist/ with fixed names (no hashes): dist/assets/app.js and
// dist/assets/app.css, plus NHS.UK frontend's images, icons and favicons under dist/assets/, where
// its stylesheet refers to them (/assets/images/...). The server serves dist/assets/ at /assets/.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const nhsukAssets = join(here, 'node_modules', 'nhsuk-frontend', 'dist', 'nhsuk', 'assets');

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesBelow(path) : [path];
  });
}

// NHS.UK's stylesheet refers to /assets/images/*.svg by absolute URL; the plugin below puts them
// there, so Vite's warning that it could not resolve them at build time is expected: drop it.
const logger = createLogger();
const warn = logger.warn.bind(logger);
const warnOnce = logger.warnOnce.bind(logger);
const expected = (message: string) =>
  /^\/assets\/\S+ referenced in .* didn't resolve at build time/.test(message.trim());
logger.warn = (message, options) => expected(message) || warn(message, options);
logger.warnOnce = (message, options) => expected(message) || warnOnce(message, options);

// Emits every file of nhsuk-frontend's assets/ directory as dist/assets/<same path>, so nothing
// from node_modules needs copying into the repository.
function nhsukFrontendAssets(): Plugin {
  return {
    name: 'everyseat-nhsuk-assets',
    apply: 'build',
    // The prebuilt stylesheet ends with a sourceMappingURL to a map we do not ship.
    transform(code, id) {
      if (!id.includes('nhsuk-frontend') || !/\.css($|\?)/.test(id)) return null;
      return { code: code.replace(/\/\*# sourceMappingURL=[^*]*\*\//g, ''), map: null };
    },
    generateBundle() {
      for (const file of filesBelow(nhsukAssets)) {
        const name = relative(nhsukAssets, file).split(sep).join('/');
        this.emitFile({ type: 'asset', fileName: `assets/${name}`, source: readFileSync(file) });
      }
    },
  };
}

export default defineConfig({
  customLogger: logger,
  // Nothing to copy from a public/ directory; the NHS.UK assets come from the plugin.
  publicDir: false,
  plugins: [nhsukFrontendAssets()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The NHS.UK stylesheet is already minified, and lightningcss rejects its `@media screen\0`.
    cssMinify: false,
    cssCodeSplit: false,
    sourcemap: false,
    rolldownOptions: {
      input: join(here, 'src', 'main.ts'),
      output: {
        entryFileNames: 'assets/app.js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: (asset) =>
          asset.names.some((name) => name.endsWith('.css'))
            ? 'assets/app.css'
            : 'assets/[name][extname]',
      },
    },
  },
});
