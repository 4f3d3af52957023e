#!/usr/bin/env node
// Latent Canvas' static server: serves the built page (build/web) on loopback with the right types for
// WebAssembly, the cross-origin isolation headers that browser threads need, and the page's Content-Security-Policy.
// No dependencies.
//
//   node web/server.mjs [--root build/web] [--host 127.0.0.1] [--port 8080] [--frame-ancestors "SOURCES"]
//
// --frame-ancestors: the pages that may show this one in an iframe, as CSP's frame-ancestors lists them
// ("https://course.example.org http://127.0.0.1:9000"); default 'none' (no other page may frame it). docs/hosting.md.
//
// Also importable: startServer({ root, host, port, frameAncestors }) resolves to { server, url } (port 0 picks a
// free port).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.gz': 'application/gzip', // served as bytes: the page unpacks them itself (no Content-Encoding)
  '.safetensors': 'application/octet-stream',
  '.ttf': 'font/ttf',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

// The Content-Security-Policy: index.html's meta tag (one policy, which holds on any static host too), plus
// frame-ancestors, which only a header can carry (by default 'none': no other site may frame the page). A folder
// whose index.html has no such tag gets no policy header: the server cannot know what that page needs.
export function contentSecurityPolicy(root, frameAncestors = "'none'") {
  const html = fs.readFileSync(path.join(root, 'index.html'), 'utf8');
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/);
  return meta ? `${meta[1]}; frame-ancestors ${frameAncestors}` : null;
}

// A frame-ancestors source list, checked so that nothing else can be slipped into the header: 'self', or sources
// such as https://example.org, http://127.0.0.1:9000, *.example.org, https:; or 'none' alone.
const SOURCE = /^('self'|[a-z][a-z0-9+.-]*:(\/\/(\*\.)?[A-Za-z0-9.-]+(:(\d{1,5}|\*))?(\/[A-Za-z0-9._~%!$&'()*+=:@\/-]*)?)?|(\*\.)?[A-Za-z0-9.-]+(:(\d{1,5}|\*))?)$/;
export function checkFrameAncestors(text) {
  const sources = text.trim().split(/[ ]+/);
  if (text.trim() === "'none'") return "'none'";
  const bad = sources.find((source) => !SOURCE.test(source));
  if (bad !== undefined || sources.length === 0 || sources.length > 32) {
    throw new Error(`--frame-ancestors: expected 'none', or sources such as 'self' https://example.org http://127.0.0.1:9000, got '${bad ?? text}'`);
  }
  return sources.join(' ');
}

function send(res, headers, status, text, method) {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(method === 'HEAD' ? undefined : `${text}\n`);
}

function handler(root, frameAncestors) {
  const policy = contentSecurityPolicy(root, frameAncestors);
  const headers = policy ? { ...SECURITY_HEADERS, 'Content-Security-Policy': policy } : SECURITY_HEADERS;
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, headers, 405, 'Method not allowed', req.method);
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      send(res, headers, 400, 'Bad request: malformed URL', req.method);
      return;
    }
    if (pathname.includes('\0')) {
      send(res, headers, 400, 'Bad request', req.method);
      return;
    }
    let file = path.resolve(root, `.${pathname}`);
    const inside = path.relative(root, file);
    if (inside.startsWith('..') || path.isAbsolute(inside)) {
      send(res, headers, 403, 'Forbidden', req.method);
      return;
    }
    fs.stat(file, (err, info) => {
      if (!err && info.isDirectory()) {
        file = path.join(file, 'index.html');
        info = fs.existsSync(file) ? fs.statSync(file) : null;
      }
      if (err || !info || !info.isFile()) {
        send(res, headers, 404, `Not found: ${pathname}`, req.method);
        return;
      }
      res.writeHead(200, {
        ...headers,
        'Content-Type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
        'Content-Length': info.size,
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
    });
  };
}

export function startServer({ root, host = '127.0.0.1', port = 8080, frameAncestors = "'none'" }) {
  const absolute = path.resolve(root);
  try {
    frameAncestors = checkFrameAncestors(frameAncestors);
  } catch (e) {
    return Promise.reject(e);
  }
  if (!fs.existsSync(path.join(absolute, 'index.html'))) {
    return Promise.reject(new Error(`${absolute} has no index.html: build the page first (cmake --preset web && cmake --build --preset web)`));
  }
  return new Promise((resolve, reject) => {
    const server = http.createServer(handler(absolute, frameAncestors));
    server.once('error', (e) => {
      reject(e.code === 'EADDRINUSE'
        ? new Error(`port ${port} on ${host} is already in use; choose another with --port`)
        : e);
    });
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({ server, url: `http://${shown}:${actual}/` });
    });
  });
}

function parseArgs(argv) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const options = { root: path.join(here, '..', 'build', 'web'), host: '127.0.0.1', port: 8080 };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    const value = inline !== undefined ? inline : argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--root') options.root = value;
    else if (name === '--host') options.host = value;
    else if (name === '--frame-ancestors') options.frameAncestors = checkFrameAncestors(value);
    else if (name === '--port') {
      options.port = Number(value);
      if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
        throw new Error(`--port: expected a port number from 0 to 65535, got '${value}'`);
      }
    } else throw new Error(`unknown option '${name}' (expected --root, --host, --port, --frame-ancestors)`);
  }
  return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`server.mjs: ${e.message}`);
    process.exit(2);
  }
  startServer(options).then(({ url }) => {
    console.log(`Latent Canvas is at ${url}  (serving ${path.resolve(options.root)}; Ctrl-C stops)`);
  }).catch((e) => {
    console.error(`server.mjs: ${e.message}`);
    process.exit(2);
  });
}
