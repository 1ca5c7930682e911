// A small static file server for www/ (and for the browser tests): correct MIME types for
// ES modules and WebAssembly, gzip for clients that accept it (as static hosts do), no caching,
// nothing outside the served folder.
//   node tools/serve.mjs DIR PORT
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createSecureServer } from 'node:http2';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** A key and certificate for 127.0.0.1, made by openssl for this one server. */
function selfSigned() {
  const dir = mkdtempSync(join(tmpdir(), 'pagesim-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.gz': 'application/gzip',
};

/** What a static host compresses: text and WebAssembly (PNGs and gzip files already are). */
const COMPRESSED = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.webmanifest', '.svg', '.txt']);

/**
 * Starts serving `dir` on 127.0.0.1:`port` (0 = any free port); resolves to the server. With
 * `{ http2: true }` it speaks HTTP/2 over TLS (a throwaway self-signed certificate: browsers must
 * be told to accept it), as static hosts do: every file of a page on one connection at once.
 */
export function serve(dir, port = 8000, { http2 = false } = {}) {
  const root = resolve(dir);
  const handler = async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      let path = normalize(join(root, decodeURIComponent(url.pathname)));
      if (path !== root && !path.startsWith(root + sep)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      if ((await stat(path).catch(() => null))?.isDirectory()) path = join(path, 'index.html');
      let body = await readFile(path);
      const headers = {
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      };
      if (COMPRESSED.has(extname(path)) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        body = gzipSync(body, { level: 6 });
        headers['content-encoding'] = 'gzip';
        headers.vary = 'accept-encoding';
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  };
  const server = http2 ? createSecureServer({ ...selfSigned(), allowHTTP1: true }, handler) : createServer(handler);
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = 'www', port = '8000'] = process.argv.slice(2);
  try {
    const server = await serve(dir, Number(port));
    console.log(`pagesim: http://127.0.0.1:${server.address().port}/  (Ctrl-C to stop)`);
  } catch (e) {
    console.error(e.code === 'EADDRINUSE' ? `port ${port} is in use: stop the other server or run PORT=8001 ./build.sh serve` : e.message);
    process.exit(1);
  }
}
