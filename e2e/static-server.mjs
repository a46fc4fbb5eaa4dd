// A static file server for a built portal, as a static host serves it: the right content
// types, gzip for text, `index.html` for a folder, and each language's own 404 page
// (`/en/404.html` for paths under `/en/`, `/404.html` for the rest) with status 404.
// Usage: node e2e/static-server.mjs <built site folder> [port]; prints the URL when ready.
// Used by bench/lighthouse.sh (Lighthouse needs a server that runs beside it), and imported by
// the browser tests (e2e/search.mjs, pages.mjs, dashboard.mjs): `siteServer(root)`.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
const types = {
  '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.js': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.csv': 'text/csv; charset=utf-8', '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8', '.jsonld': 'application/ld+json', '.ttl': 'text/turtle', '.ndjson': 'application/x-ndjson',
  '.parquet': 'application/vnd.apache.parquet', '.zip': 'application/zip',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
const compressible = /^(text\/|application\/(json|xml|ld\+json|x-ndjson)|image\/svg)/;

function send(req, res, file, status) {
  const type = types[path.extname(file)] ?? 'application/octet-stream';
  const headers = { 'content-type': type, 'cache-control': 'public, max-age=600' };
  if (compressible.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
    res.writeHead(status, { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding' });
    fs.createReadStream(file).pipe(zlib.createGzip()).pipe(res);
  } else {
    res.writeHead(status, headers);
    fs.createReadStream(file).pipe(res);
  }
}

/** An http server (not yet listening) for the built portal in the folder `root`. */
export function siteServer(root) {
  root = path.resolve(root);
  return http.createServer((req, res) => {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  let file = path.join(root, pathname);
  if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (fs.existsSync(file)) { send(req, res, file, 200); return; }
  const notFound = path.join(root, pathname.startsWith('/en/') ? 'en/404.html' : '404.html');
  if (fs.existsSync(notFound)) send(req, res, notFound, 404);
  else res.writeHead(404).end();
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const server = siteServer(process.argv[2] ?? 'public');
  const port = Number(process.argv[3] ?? 0);
  server.listen(port, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
}
