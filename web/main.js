// Latent Canvas' loader and script interface. It checks the browser, makes sure the page can have threads (or
// says why not), downloads the WebAssembly and the assets (all from this page's own origin) with progress, hands
// them to the C++ side, starts the interface, and exposes window.latentCanvas for scripts and tests. Anything
// that goes wrong is said on the page.
//
// Two builds of the program ship: latent-canvas (training on its own threads: Emscripten pthreads, which need
// SharedArrayBuffer, which browsers give only to cross-origin isolated pages) and latent-canvas-st (no threads:
// training runs in slices of the page's frames). Isolation comes from the server's headers (scripts/start.sh's
// server sends them) or, on a server that does not send them, from a service worker (isolation.js) that adds
// them, after one reload. Where neither works (a page over plain http from another machine, a private window
// without service workers, or ?threads=off), the page uses the build without threads and says so.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const ASSETS = [
    { key: 'images', url: 'assets/mnist/images-idx3-ubyte.gz', what: 'the digits' },
    { key: 'labels', url: 'assets/mnist/labels-idx1-ubyte.gz', what: 'their labels' },
    { key: 'weights', url: 'assets/weights/seed-784-32.safetensors', what: 'the pretrained weights', optional: true },
    { key: 'font', url: 'assets/fonts/Roboto-Medium.ttf', what: 'the font', optional: true },
  ];

  const api = {
    ready: false,
    error: null,
    warnings: [],
    loadTimings: {},  // milliseconds since navigation at which each step of the start finished
  };
  const mark = (step) => { api.loadTimings[step] = Math.round(performance.now()); };
  window.latentCanvas = api;

  function fail(message) {
    api.error = message;
    $('loader').classList.remove('done');
    $('status').hidden = true;
    const box = $('error');
    box.textContent = message;
    box.hidden = false;
  }

  // A message in the notice box at the bottom of the page, for 12 s (a newer one replaces it).
  let noticeTimer = null;
  function notice(message, kind) {
    const box = $('notice');
    box.textContent = message;
    box.className = kind;
    box.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { box.hidden = true; }, 12000);
  }

  function warn(message) {
    api.warnings.push(message);
    notice(message, 'warning');
  }

  // What the page needs, checked up front so the answer is a sentence, not a stack trace.
  function missingFeature() {
    if (typeof WebAssembly !== 'object') return 'This browser cannot run WebAssembly.';
    // A one-function module using SIMD instructions (i8x16.splat, i8x16.popcnt): valid only where SIMD is.
    const simd = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0,
      65, 0, 253, 15, 253, 98, 11]);
    if (!WebAssembly.validate(simd)) {
      return 'This browser\u2019s WebAssembly has no SIMD support. Chrome 91, Firefox 89, Safari 16.4 and later have it.';
    }
    if (!document.createElement('canvas').getContext('webgl2')) {
      return 'This browser cannot create a WebGL2 context (it may be switched off, or the graphics driver blocked). ' +
        'Latent Canvas draws with WebGL2.';
    }
    if (typeof DecompressionStream !== 'function') {
      return 'This browser has no DecompressionStream, which Latent Canvas uses to unpack its program. ' +
        'Chrome 80, Firefox 113, Safari 16.4 and later have it.';
    }
    return null;
  }

  // Downloads an asset, reporting progress in bytes transferred. With `unzip`, the bytes are gzip and are unpacked
  // by the browser as they arrive (the program); other gzipped assets (the digits) go to the core as they are,
  // which inflates them with zlib.
  async function download(asset, progress) {
    let response;
    try {
      response = await fetch(asset.url);
    } catch (e) {
      throw new Error(`Could not download ${asset.what} (${asset.url}): ${e.message}.`);
    }
    if (!response.ok) {
      throw new Error(`Could not download ${asset.what} (${asset.url}): the server answered ${response.status} ${response.statusText}.`);
    }
    progress.total[asset.key] = Number(response.headers.get('Content-Length')) || 0;
    let got = 0;
    const counted = response.body.pipeThrough(new TransformStream({
      transform(chunk, out) {
        got += chunk.length;
        progress.got[asset.key] = got;
        progress.update();
        out.enqueue(chunk);
      },
    }));
    try {
      const stream = asset.unzip ? counted.pipeThrough(new DecompressionStream('gzip')) : counted;
      return new Uint8Array(await new Response(stream).arrayBuffer());
    } catch (e) {
      throw new Error(asset.unzip ? `${asset.url} is not valid gzip data (${e.message}).`
        : `Could not download ${asset.what} (${asset.url}): ${e.message}.`);
    }
  }

  // Every pointer event the browser reports over the drawing goes straight to the C++ Drawing (lc_pointer), not
  // through SDL and ImGui, which sample the mouse once per frame: so a stroke keeps every point whatever the
  // frame rate, including the ones a browser merges into a frame's single pointermove (getCoalescedEvents), and
  // the next frame already shows them. Mouse, pen and touch alike; the stroke's pointer is captured, so it goes
  // on outside the drawing area (and the window) and ends where it is released.
  //
  // Touches outside the drawing are the page's to read, not SDL's (which would turn every touch into a mouse press
  // on whatever is under the finger): a drag that starts mostly vertical scrolls what is under it (lc_touch_scroll);
  // one that starts sideways drags the control under it (a slider), and a touch that hardly moves is a tap. Both go
  // to ImGui as mouse presses (lc_touch).
  function wireDrawing(M, canvas) {
    const KIND = { mouse: 0, pen: 1, touch: 2 };
    const DOWN = 0, MOVE = 1, UP = 2, CANCEL = 3;
    const SLOP = 10;  // CSS pixels a touch may wander and still be a tap
    let active = null;  // the pointerId drawing a stroke
    let gesture = null;  // a touch outside the drawing: { id, x0, y0, lastY, mode: 'pending' | 'scroll' | 'press' }
    const send = (phase, e, origin) => M._lc_pointer(phase, e.pointerId, KIND[e.pointerType] ?? 0,
      e.clientX - origin.left, e.clientY - origin.top, e.pressure);
    const local = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
    for (const type of ['touchstart', 'touchmove', 'touchend', 'touchcancel']) {
      window.addEventListener(type, (e) => {
        if (e.target !== canvas) return;
        e.stopImmediatePropagation();  // SDL's own touch handling never sees it
        if (e.cancelable) e.preventDefault();  // nor does the browser turn it into mouse events
      }, { capture: true, passive: false });
    }
    canvas.addEventListener('keydown', (e) => { if (e.key === 'Tab') e.preventDefault(); });  // focus stays inside
    canvas.addEventListener('pointerdown', (e) => {
      canvas.focus();
      if (active !== null || (e.pointerType === 'mouse' && e.button !== 0)) return;
      if (send(DOWN, e, canvas.getBoundingClientRect()) === 1) {
        active = e.pointerId;
        try { canvas.setPointerCapture(e.pointerId); } catch { /* the pointer is already gone */ }
        return;
      }
      if (e.pointerType === 'touch' && gesture === null) {
        const [x, y] = local(e);
        gesture = { id: e.pointerId, x0: x, y0: y, lastY: y, mode: 'pending' };
        try { canvas.setPointerCapture(e.pointerId); } catch { /* gone */ }
      }
    });
    // Follows a touch gesture to (x, y): decides what it is once it has moved past SLOP, then scrolls or drags.
    const track = (g, x, y) => {
      if (g.mode === 'pending' && Math.hypot(x - g.x0, y - g.y0) > SLOP) {
        g.mode = Math.abs(y - g.y0) >= Math.abs(x - g.x0) ? 'scroll' : 'press';
        if (g.mode === 'press') M._lc_touch(DOWN, g.x0, g.y0);
        else g.lastY = g.y0;
      }
      if (g.mode === 'scroll' && y !== g.lastY) { M._lc_touch_scroll(g.x0, g.y0, g.lastY - y); g.lastY = y; }
      if (g.mode === 'press') M._lc_touch(MOVE, x, y);
    };
    canvas.addEventListener('pointermove', (e) => {
      if (gesture && e.pointerId === gesture.id) {
        track(gesture, ...local(e));
        return;
      }
      if (e.pointerId !== active) return;
      const origin = canvas.getBoundingClientRect();
      // Coalesced events include this one as the last; synthetic events have none.
      const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
      for (const c of events.length > 0 ? events : [e]) send(MOVE, c, origin);
    });
    const endGesture = (e, cancelled) => {
      const g = gesture;
      gesture = null;
      const [x, y] = local(e);
      if (!cancelled) track(g, x, y);  // the release may come with moves the browser had not reported yet
      if (g.mode === 'pending' && !cancelled) { M._lc_touch(DOWN, g.x0, g.y0); M._lc_touch(UP, g.x0, g.y0); }
      if (g.mode === 'press') M._lc_touch(cancelled ? CANCEL : UP, x, y);
    };
    const end = (phase) => (e) => {
      if (gesture && e.pointerId === gesture.id) { endGesture(e, phase === CANCEL); return; }
      if (e.pointerId !== active) return;
      active = null;
      send(phase, e, canvas.getBoundingClientRect());
    };
    canvas.addEventListener('pointerup', end(UP));
    canvas.addEventListener('pointercancel', end(CANCEL));
    canvas.addEventListener('lostpointercapture', end(CANCEL));  // after pointerup this finds nothing active
  }

  // Files a person brings: the picker (the interface's "Open files..." button, through Module.latentPick), a drop
  // anywhere on the page, or latentCanvas.openFiles. They are read here, handed to the C++ side, which sorts
  // them (weights, or IDX images and labels) and says what it did in state().fileMessage; nothing is uploaded.
  const MAX_FILE_BYTES = 100000 * 784 + 16;  // core/user_files.hpp: kMaxUserFileBytes
  function wireFiles(M, heap, withBytes) {
    const input = $('file-input');
    const report = (message) => { notice(message, 'warning'); };
    async function open(list) {
      const files = [...list];
      if (files.length === 0) return;
      for (const f of files) {
        const size = f instanceof Blob ? f.size : f.bytes?.length ?? 0;
        if (size > MAX_FILE_BYTES) {
          report(`${f.name}: ${(size / 1e6).toFixed(1)} MB; files up to ${(MAX_FILE_BYTES / 1e6).toFixed(1)} MB are taken ` +
            '(100,000 images of 28x28)');
          return;
        }
      }
      let contents;
      try {
        // File objects (a Blob's own bytes() is a method), or {name, bytes} from a script.
        contents = await Promise.all(files.map(async (f) => (f instanceof Blob ? new Uint8Array(await f.arrayBuffer()) : new Uint8Array(f.bytes))));
      } catch (e) {
        report(`Could not read ${files.map((f) => f.name).join(', ')}: ${e.message}`);
        return;
      }
      contents.forEach((bytes, i) => {
        const name = new TextEncoder().encode(`${files[i].name}\0`);
        withBytes(bytes, (p, n) => withBytes(name, (pn) => M._lc_file_add(pn, p, n)));
      });
      M._lc_files_open();
    }
    input.addEventListener('change', () => { const files = [...input.files]; input.value = ''; open(files); });
    M.latentPick = () => input.click();
    // A built-in data set, downloaded only when it is chosen (the Training panel's Data row): its images, labels
    // and pretrained weights, from the page's own origin.
    const DATA_SETS = {
      mnist: ['assets/mnist/images-idx3-ubyte.gz', 'assets/mnist/labels-idx1-ubyte.gz', 'assets/weights/seed-784-32.safetensors'],
      fashion: ['assets/fashion-mnist/t10k-images-idx3-ubyte.gz', 'assets/fashion-mnist/t10k-labels-idx1-ubyte.gz',
        'assets/weights/fashion-784-32.safetensors'],
    };
    M.latentFetchData = async (kind) => {
      const urls = DATA_SETS[kind];
      let contents;
      try {
        contents = await Promise.all(urls.map(async (url) => {
          let response;
          try {
            response = await fetch(url);
          } catch (e) {
            throw new Error(`Could not download ${url}: ${e.message}`);
          }
          if (!response.ok) throw new Error(`Could not download ${url}: the server answered ${response.status} ${response.statusText}`);
          return new Uint8Array(await response.arrayBuffer());
        }));
      } catch (e) {
        const why = new TextEncoder().encode(`${e.message}\0`);
        withBytes(why, (p) => M._lc_files_refuse(p));
        return;
      }
      contents.forEach((bytes, i) => {
        const name = new TextEncoder().encode(`${urls[i].split('/').pop()}\0`);
        withBytes(bytes, (p, n) => withBytes(name, (pn) => M._lc_file_add(pn, p, n)));
      });
      withBytes(new TextEncoder().encode(`${kind}\0`), (p) => M._lc_dataset_open(p));
    };
    M.latentNotify = (message, error) => notice(message, error ? 'warning' : 'info');
    M.latentSave = (name, pointer, length) => {
      const blob = new Blob([heap().slice(pointer, pointer + length)], { type: 'application/octet-stream' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 60000);
      return 1;
    };
    // Dropping files anywhere on the page; the overlay says what may be dropped while something is dragged over.
    const drop = $('drop');
    let depth = 0;
    const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
    window.addEventListener('dragenter', (e) => { if (!hasFiles(e)) return; e.preventDefault(); depth++; drop.hidden = false; });
    window.addEventListener('dragover', (e) => { if (!hasFiles(e)) return; e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; });
    window.addEventListener('dragleave', () => { depth = Math.max(0, depth - 1); if (depth === 0) drop.hidden = true; });
    window.addEventListener('drop', (e) => {
      depth = 0;
      drop.hidden = true;
      if (!hasFiles(e)) return;
      e.preventDefault();
      open(e.dataTransfer.files);
    });
    return open;
  }

  function loadScript(url) {
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = url;
      s.onload = resolve;
      s.onerror = () => reject(new Error(`Could not load ${url}.`));
      document.body.appendChild(s);
    });
  }

  // Resolves to how the page is isolated: 'headers' (the server's), 'service-worker', or 'none' (with the
  // reason in api.threadsUnavailable); or to 'reloading' when the service worker has just been installed and the
  // page reloads to come under it.
  async function isolate() {
    const attempt = 'latent-canvas-isolation-reload';
    if (self.crossOriginIsolated) {
      const viaWorker = !!navigator.serviceWorker?.controller;
      sessionStorage.removeItem(attempt);
      return viaWorker ? 'service-worker' : 'headers';
    }
    const none = (why) => { api.threadsUnavailable = why; return 'none'; };
    if (new URLSearchParams(location.search).get('threads') === 'off') return none('threads are switched off (?threads=off)');
    if (!self.isSecureContext || !('serviceWorker' in navigator)) {
      return none('the server does not send the cross-origin isolation headers, and this page cannot add them ' +
        '(service workers need https or localhost)');
    }
    if (sessionStorage.getItem(attempt)) {
      sessionStorage.removeItem(attempt);
      return none('the server does not send the cross-origin isolation headers, and the service worker that adds them did not take effect');
    }
    try {
      await navigator.serviceWorker.register('isolation.js');
      await navigator.serviceWorker.ready;
    } catch (e) {
      return none(`the server does not send the cross-origin isolation headers, and the service worker that adds them could not start (${e.message})`);
    }
    sessionStorage.setItem(attempt, '1');
    $('status').textContent = 'Enabling threads for training (one reload)\u2026';
    location.reload();
    return 'reloading';
  }

  async function start() {
    if (location.protocol === 'file:') {
      fail('This page was opened straight from disk (file://), and browsers do not let such pages load their ' +
        'WebAssembly or data. Serve the folder instead: run scripts/start.sh and open http://127.0.0.1:8080/, or ' +
        'run any static server in build/web (for example python3 -m http.server) and open the address it prints.');
      return;
    }
    api.isolation = await isolate();
    if (api.isolation === 'reloading') return;
    mark('isolated');
    const program = api.isolation === 'none' ? 'latent-canvas-st' : 'latent-canvas';
    const assets = [{ key: 'wasm', url: `${program}.wasm.gz`, what: 'the model code', unzip: true }, ...ASSETS];

    const progress = {
      got: {}, total: {},
      update() {
        const got = Object.values(this.got).reduce((a, b) => a + b, 0);
        const total = Object.values(this.total).reduce((a, b) => a + b, 0);
        if (total > 0) $('progress').style.width = `${Math.min(100, (100 * got) / total).toFixed(1)}%`;
        $('status').textContent = `Downloading ${(got / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB\u2026`;
      },
    };
    // Everything downloads at once, while the browser's features are checked; the program compiles as soon as it
    // has arrived, while the rest still downloads.
    const pending = assets.map((a) => download(a, progress));
    const compiled = pending[0].then((bytes) => WebAssembly.compile(bytes));
    compiled.catch(() => {});  // its failure is reported below, with the download's
    const missing = missingFeature();
    if (missing) { fail(missing); return; }
    // The runtime starts meanwhile too (its script, and in the threaded build its pool of workers); it waits
    // for the compiled program.
    const ready = new Promise((resolve) => {
      window.Module = {
        canvas: $('canvas'),
        // The compiled program, instantiated with the imports the runtime offers (the pthread workers get the
        // same compiled module from the runtime).
        instantiateWasm: (imports, receive) => {
          compiled.then((module) => WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module)))
            .catch((e) => fail(`The model code could not start: ${e.message}`));
          return {};
        },
        noInitialRun: true,
        print: (text) => console.log(text),
        printErr: (text) => console.warn(text),
        latentError: (message) => fail(message),
        latentWarn: (message) => warn(message),
        onAbort: (what) => fail(`The model stopped with an error: ${what}`),
        onRuntimeInitialized: resolve,
      };
    });
    const script = loadScript(`${program}.js`);
    script.catch(() => {});  // reported below
    const files = {};
    const results = await Promise.allSettled(pending);
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') { files[assets[i].key] = r.value; continue; }
      if (!assets[i].optional) { fail(r.reason.message); return; }
      warn(`${r.reason.message} Continuing without ${assets[i].what}.`);
    }

    mark('downloaded');
    $('status').textContent = 'Starting the model\u2026';
    try {
      await script;
    } catch (e) {
      fail(`${e.message} The page is incomplete; rebuild it with the README's command.`);
      return;
    }
    await ready;
    mark('runtime');
    const M = window.Module;

    // The wasm memory as bytes. In the threaded build another thread may have grown it since this thread last
    // looked, which leaves M.HEAPU8 on the old, shorter buffer.
    const heap = () => (M.wasmMemory && M.HEAPU8.buffer !== M.wasmMemory.buffer ? new Uint8Array(M.wasmMemory.buffer) : M.HEAPU8);
    const withBytes = (bytes, fn) => {
      const p = M._malloc(bytes.length);
      heap().set(bytes, p);
      try { return fn(p, bytes.length); } finally { M._free(p); }
    };
    // The font, then the digits and the weights (the threaded program reads the digits on a thread while the
    // interface starts; the other reads them at once), then the interface.
    if (files.font) withBytes(files.font, (p, n) => M._lc_set_font(p, n));
    const initError = withBytes(files.images, (pi, ni) => withBytes(files.labels, (pl, nl) =>
      M.UTF8ToString(M._lc_init(pi, ni, pl, nl))));
    if (initError) { fail(initError); return; }
    if (files.weights) {
      const name = new TextEncoder().encode('assets/weights/seed-784-32.safetensors\0');
      withBytes(files.weights, (p, n) => withBytes(name, (pn) => M._lc_load_weights(p, n, pn)));
    }
    // The settings in the address (#latent=8&lr=0.003...), applied once the model is in; the page keeps the
    // address up to date with the settings from then on, so a copied link reproduces the setup.
    withBytes(new TextEncoder().encode(`${location.hash}\0`), (p) => M._lc_set_link(p));
    mark('data');
    if (api.isolation === 'none') {
      warn(`Training runs in this page's own thread, between frames, because ${api.threadsUnavailable}. ` +
        'For training on separate threads, serve the page with scripts/start.sh (see the README).');
    }

    const floats = (count, fill) => {
      const p = M._malloc(count * 4);
      try {
        const n = fill(p);
        return Array.from(new Float32Array(heap().buffer, p, Math.min(n, count)));
      } finally { M._free(p); }
    };
    const state = () => ({ ...JSON.parse(M.UTF8ToString(M._lc_state())), isolated: self.crossOriginIsolated === true });
    // Commands return a promise of the state once the session has carried them out (within a frame or so; a
    // training step at most, on the session's thread), and evaluated new weights on the test set. Callers that
    // do not wait may ignore it.
    const applied = (n) => new Promise((resolve) => {
      const check = () => {
        const s = state();
        if (s.commandsApplied >= n && !s.evaluating) resolve(s);
        else setTimeout(check, 2);
      };
      check();
    });
    Object.assign(api, {
      state,
      setTraining: (on) => applied(M._lc_set_training(on ? 1 : 0)),
      reset: (seed = 1) => applied(M._lc_reset(Number(seed))),
      // Settings that apply to the current model at once (learningRate, batchSize, targetEpochs, threads), or
      // make a new one (latent, hidden, activation, with seed). Rejects when the argument is not such an object.
      apply: (settings) => {
        const text = new TextEncoder().encode(`${JSON.stringify(settings ?? null)}\0`);
        const n = withBytes(text, (p) => M._lc_apply(p));
        return n === 0 ? Promise.reject(new Error(`apply: ${M.UTF8ToString(M._lc_last_error())}`)) : applied(n);
      },
      canvasRect: () => {
        const [x, y, width, height] = floats(4, (p) => { M._lc_canvas_rect(p); return 4; });
        const r = M.canvas.getBoundingClientRect();
        return { x: r.left + x, y: r.top + y, width, height };
      },
      input: () => floats(784, (p) => M._lc_input(p)),
      latent: () => { const n = api.state().latentDim; return floats(n, (p) => M._lc_latent(p, n)); },
      reconstruction: () => floats(784, (p) => M._lc_reconstruction(p)),
      clearCanvas: () => M._lc_clear_canvas(),
      undo: () => M._lc_undo() === 1,
      setBrush: (radius) => M._lc_set_brush(Number(radius)),
      // The drawing as shown: { size, pixels } with size x size coverage bytes (0 paper .. 255 ink), row-major.
      drawingRaster: () => {
        const size = M._lc_drawing_raster(0);
        const p = M._malloc(size * size);
        try {
          M._lc_drawing_raster(p);
          return { size, pixels: Array.from(new Uint8Array(heap().buffer, p, size * size)) };
        } finally { M._free(p); }
      },
      // Benchmark: `steps` training steps of a fresh seed model at `batch` and `threads`, on the session's
      // thread, with the interface's frames paused (nothing else running). bench(300) still means 300 steps.
      // Resolves to { samplesPerSec, gflops, msPerStep, steps, threads, batch }.
      bench: async (options = {}) => {
        const o = typeof options === 'number' ? { steps: options } : options;
        const steps = o.steps ?? 200, batch = o.batch ?? 256, threads = o.threads ?? 1;
        M.pauseMainLoop();
        try {
          await applied(M._lc_bench(steps, batch, threads));
        } finally { M.resumeMainLoop(); }
        const r = JSON.parse(M.UTF8ToString(M._lc_bench_result()));
        if (r.error) throw new Error(`bench: ${r.error}`);
        return { samplesPerSec: r.samplesPerSec, gflops: r.gflops, msPerStep: r.msPerStep, steps: r.steps, threads, batch };
      },
    });

    // The latent views: one JSON request to the C++ side and its answer; a refused request throws its reason.
    const list = (v) => (v != null && typeof v[Symbol.iterator] === 'function' ? Array.from(v) : v);
    const explore = (request) => {
      const text = new TextEncoder().encode(`${JSON.stringify(request)}\0`);
      const answer = JSON.parse(withBytes(text, (p) => M.UTF8ToString(M._lc_explore(p))));
      if (answer.error) throw new Error(answer.error);
      return answer;
    };
    Object.assign(api, {
      // {points: [{x, y, label, index}], drawing: {x, y} | null, extent: [a0, b0, a1, b1], explained, selected}
      map: () => {
        const answer = explore({ op: 'map' });
        const r = M.canvas.getBoundingClientRect();  // the map's square, in page CSS pixels
        answer.rect = { ...answer.rect, x: answer.rect.x + r.left, y: answer.rect.y + r.top };
        return answer;
      },
      setCode: (values) => explore({ op: 'setCode', values: list(values) }).code,
      decode: (values) => explore({ op: 'decode', values: list(values) }).image,
      interpolate: (a, b, steps) => explore({ op: 'interpolate', a: list(a), b: list(b), steps }).images,
      neighbours: () => explore({ op: 'neighbours' }).neighbours,
      unusualness: () => explore({ op: 'unusualness' }),
      unitImages: (which) => explore({ op: 'unitImages', which }).images,
      sliders: () => explore({ op: 'sliders' }),
      selectTab: (tab) => explore({ op: 'selectTab', tab }).tab,
      diagnosis: () => explore({ op: 'diagnosis' }),
      // Where some controls were last drawn, in page CSS pixels: {"tab:map": {x, y, width, height}, ...}.
      controls: () => {
        const r = M.canvas.getBoundingClientRect();
        return Object.fromEntries(Object.entries(explore({ op: 'controls' }))
          .map(([name, c]) => [name, { ...c, x: c.x + r.left, y: c.y + r.top }]));
      },
    });

    const openFiles = wireFiles(M, heap, withBytes);
    Object.assign(api, {
      // Opens files as a drop would: File objects, or {name, bytes}. Resolves once they are handed over; the
      // outcome is in state() (fileMessage, fileError; filesWaiting while the page asks before replacing a model).
      openFiles: (files) => openFiles(files),
      // A built-in data set, as the Data row chooses it: 'mnist' or 'fashion' (asks first over a trained model).
      chooseData: (kind) => {
        if (!['mnist', 'fashion'].includes(kind)) return Promise.reject(new Error(`chooseData: expected 'mnist' or 'fashion', got '${kind}'`));
        return M.latentFetchData(kind);
      },
      // The current weights as a .safetensors file's bytes, and its suggested name.
      weightsFile: () => {
        const n = M._lc_weights_file();
        return { name: M.UTF8ToString(M._lc_weights_name()), bytes: heap().slice(M._lc_weights_data(), M._lc_weights_data() + n) };
      },
    });
    wireDrawing(M, M.canvas);
    M.canvas.addEventListener('contextmenu', (e) => e.preventDefault());
    try {
      M.callMain([]);
    } catch (e) {
      if (e !== 'unwind' && !(e && e.name === 'ExitStatus')) { fail(`The interface could not start: ${e}`); return; }
    }
    if (api.error) return;
    mark('interface');
    $('loader').classList.add('done');
    // Ready once the first frame has drawn the interface (and placed the drawing area).
    const waitForFrame = () => {
      if (api.canvasRect().width > 0) { mark('ready'); api.ready = true; return; }
      requestAnimationFrame(waitForFrame);
    };
    requestAnimationFrame(waitForFrame);
  }

  start().catch((e) => fail(`Latent Canvas could not start: ${e && e.message ? e.message : e}`));
})();
