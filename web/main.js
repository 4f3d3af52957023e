// Latent Canvas' loader and script interface. start() runs five named steps: isolate (make sure the page can have
// threads, or say why not), download (the program and the assets, all from this page's own origin, with progress),
// instantiate (the runtime and the compiled program), hand over (font, digits, weights and the link to the C++
// side), and build the API (window.latentCanvas); then it wires input and starts the interface. Anything that goes
// wrong is said on the page.
//
// Two builds of the program ship: latent-canvas (training on its own threads: Emscripten pthreads, which need
// SharedArrayBuffer, which browsers give only to cross-origin isolated pages) and latent-canvas-st (no threads:
// training runs in slices of the page's frames). Isolation comes from the server's headers (scripts/start.sh's
// server sends them) or, on a server that does not send them, from a service worker (isolation.js) that adds
// them, after one reload. Where neither works (a page over plain http from another machine, a private window
// without service workers, or ?threads=off), the page uses the build without threads and says so.
//
// The C++ side's exports (src/platform/web_api.hpp): the start (lc_init, lc_load_weights, lc_set_font,
// lc_set_link), input (lc_pointer, lc_touch, lc_touch_scroll, and files: lc_file_add, lc_files_open,
// lc_dataset_open, lc_pretrained_open, lc_files_refuse), and the script API's one entry point, lc_call.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const embedded = window.self !== window.top;  // in an iframe (comparing windows is allowed across origins)

  // [SECTION] The files the page loads: one list. `start` are loaded with the page (the optional ones may be
  // missing, with a warning); a data set's are fetched when it is chosen.
  const FILES = {
    images: { url: 'assets/mnist/images-idx3-ubyte.gz', what: 'the digits' },
    labels: { url: 'assets/mnist/labels-idx1-ubyte.gz', what: 'their labels' },
    weights: { url: 'assets/weights/seed-784-32.safetensors', what: 'the pretrained weights', optional: true },
    font: { url: 'assets/fonts/Roboto-Medium.ttf', what: 'the font', optional: true },
    fashionImages: { url: 'assets/fashion-mnist/t10k-images-idx3-ubyte.gz', what: 'the Fashion-MNIST images' },
    fashionLabels: { url: 'assets/fashion-mnist/t10k-labels-idx1-ubyte.gz', what: 'their labels' },
    fashionWeights: { url: 'assets/weights/fashion-784-32.safetensors', what: 'the Fashion-MNIST model' },
  };
  const START = ['images', 'labels', 'weights', 'font'];
  const DATA_SETS = { mnist: ['images', 'labels', 'weights'], fashion: ['fashionImages', 'fashionLabels', 'fashionWeights'] };
  const program = (name) => ({ url: `${name}.wasm.gz`, what: 'the model code', unzip: true });
  const MAX_FILE_BYTES = 100000 * 784 + 16;  // core/user_files.hpp: kMaxUserFileBytes

  const api = {
    ready: false,
    error: null,
    warnings: [],
    loadTimings: {},  // milliseconds since navigation at which each step of the start finished
  };
  const mark = (step) => { api.loadTimings[step] = Math.round(performance.now()); };
  window.latentCanvas = api;

  // [SECTION] What the page says: a failure in the loader's box; notices (12 s, a newer one replaces it). A
  // PageError's message is already a sentence for the page; anything else thrown is a bug, said as such.
  class PageError extends Error {}

  function fail(message) {
    api.error = message;
    $('loader').classList.remove('done');
    $('status').hidden = true;
    const box = $('error');
    box.textContent = message;
    box.hidden = false;
  }

  let noticeTimer = null;
  // A message at the bottom of the page for 12 s (20 with an action: a button, {label, run}, after the text).
  function notice(message, kind, action = null) {
    const box = $('notice');
    box.textContent = message;
    box.className = kind;
    if (action) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = action.label;
      button.addEventListener('click', () => { box.hidden = true; action.run(); });
      box.append(' ', button);
    }
    box.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { box.hidden = true; }, action ? 20000 : 12000);
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

  // [SECTION] fetchBytes: every download. Reports bytes as they arrive to `progress(got, total)`; with `unzip`,
  // the bytes are gzip and the browser unpacks them as they arrive (the program). Other gzipped files (the digits)
  // go to the core as they are, which inflates them with zlib. Failures are one sentence naming the file.
  async function fetchBytes({ url, what, unzip }, progress = () => {}) {
    let response;
    try {
      response = await fetch(url);
    } catch (e) {
      throw new PageError(`Could not download ${what} (${url}): ${e.message}.`);
    }
    if (!response.ok) {
      throw new PageError(`Could not download ${what} (${url}): the server answered ${response.status} ${response.statusText}.`);
    }
    const total = Number(response.headers.get('Content-Length')) || 0;
    let got = 0;
    const counted = response.body.pipeThrough(new TransformStream({
      transform(chunk, out) {
        got += chunk.length;
        progress(got, total);
        out.enqueue(chunk);
      },
    }));
    try {
      const stream = unzip ? counted.pipeThrough(new DecompressionStream('gzip')) : counted;
      return new Uint8Array(await new Response(stream).arrayBuffer());
    } catch (e) {
      throw new PageError(unzip ? `${url} is not valid gzip data (${e.message}).` : `Could not download ${what} (${url}): ${e.message}.`);
    }
  }

  // [SECTION] Step 1, isolate. Resolves to how the page is isolated: 'headers' (the server's), 'service-worker',
  // or 'none' (with the reason in api.threadsUnavailable); or to 'reloading' when the service worker has just been
  // installed and the page reloads to come under it.
  async function isolate() {
    const attempt = 'latent-canvas-isolation-reload';
    if (self.crossOriginIsolated) {
      const viaWorker = !!navigator.serviceWorker?.controller;
      sessionStorage.removeItem(attempt);
      return viaWorker ? 'service-worker' : 'headers';
    }
    const none = (why) => { api.threadsUnavailable = why; return 'none'; };
    const noHeaders = 'the server does not send the cross-origin isolation headers, and';
    if (new URLSearchParams(location.search).get('threads') === 'off') return none('threads are switched off (?threads=off)');
    // In an iframe, isolation needs the parent page isolated too (and allowing it): nothing this page can add.
    if (embedded) return none('the page is embedded in one that is not cross-origin isolated, so the browser gives it no threads');
    if (!self.isSecureContext || !('serviceWorker' in navigator)) {
      return none(`${noHeaders} this page cannot add them (service workers need https or localhost)`);
    }
    if (sessionStorage.getItem(attempt)) {
      sessionStorage.removeItem(attempt);
      return none(`${noHeaders} the service worker that adds them did not take effect`);
    }
    try {
      await navigator.serviceWorker.register('isolation.js');
      await navigator.serviceWorker.ready;
    } catch (e) {
      return none(`${noHeaders} the service worker that adds them could not start (${e.message})`);
    }
    sessionStorage.setItem(attempt, '1');
    $('status').textContent = 'Enabling threads for training (one reload)\u2026';
    location.reload();
    return 'reloading';
  }

  // [SECTION] Step 2, download: the program and the start's files at once, with one progress bar. The program
  // compiles as soon as it has arrived, while the rest still downloads. `program` resolves once the program's bytes
  // are in, `compiled` to the compiled module, and `files` to the start's files by key once all are in.
  function download(programName) {
    const got = {}, total = {};
    const progress = (key) => (bytes, size) => {
      got[key] = bytes;
      total[key] = size;
      const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
      if (sum(total) > 0) $('progress').style.width = `${Math.min(100, (100 * sum(got)) / sum(total)).toFixed(1)}%`;
      $('status').textContent = `Downloading ${(sum(got) / 1e6).toFixed(1)} of ${(sum(total) / 1e6).toFixed(1)} MB\u2026`;
    };
    const bytes = fetchBytes(program(programName), progress('wasm'));
    const compiled = bytes.then((b) => WebAssembly.compile(b));
    compiled.catch(() => {});  // a download failure is reported by start(), a compile failure by instantiate()
    const files = Promise.allSettled(START.map((key) => fetchBytes(FILES[key], progress(key)))).then((results) => {
      const out = {};
      results.forEach((r, i) => {
        const key = START[i];
        if (r.status === 'fulfilled') out[key] = r.value;
        else if (!FILES[key].optional) throw r.reason;
        else warn(`${r.reason.message} Continuing without ${FILES[key].what}.`);
      });
      return out;
    });
    return { program: bytes, compiled, files };
  }

  // [SECTION] Step 3, instantiate: the runtime's script (and in the threaded build its pool of workers) starts
  // while the rest downloads, and takes the compiled program when it is in. Resolves to the module.
  function loadScript(url) {
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = url;
      s.onload = resolve;
      s.onerror = () => reject(new PageError(`Could not load ${url}. The page is incomplete; rebuild it with the README's command.`));
      document.body.appendChild(s);
    });
  }

  function instantiate(programName, compiled) {
    const runtime = new Promise((resolve) => {
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
    const script = loadScript(`${programName}.js`);
    script.catch(() => {});  // reported by whoever waits for it
    return { script, runtime };
  }

  // The wasm memory, and bytes into and out of it. In the threaded build another thread may have grown the memory
  // since this thread last looked, which leaves M.HEAPU8 on the old, shorter buffer.
  function memory(M) {
    const heap = () => (M.wasmMemory && M.HEAPU8.buffer !== M.wasmMemory.buffer ? new Uint8Array(M.wasmMemory.buffer) : M.HEAPU8);
    const withBytes = (bytes, fn) => {
      const p = M._malloc(bytes.length);
      heap().set(bytes, p);
      try { return fn(p, bytes.length); } finally { M._free(p); }
    };
    const withText = (text, fn) => withBytes(new TextEncoder().encode(`${text}\0`), fn);
    return { heap, withBytes, withText };
  }

  // Files to the C++ side, each with its name, for lc_files_open or lc_dataset_open to sort.
  function handFiles(M, mem, files) {
    for (const { name, bytes } of files) mem.withBytes(bytes, (p, n) => mem.withText(name, (pn) => M._lc_file_add(pn, p, n)));
  }

  // [SECTION] Step 4, hand over: the font, then the digits and the weights (the threaded program reads the digits
  // on a thread while the interface starts; the other reads them at once), then the settings in the address
  // (#latent=8&lr=0.003...), applied once the model is in; the page keeps the address up to date from then on.
  function handOver(M, mem, files) {
    if (files.font) mem.withBytes(files.font, (p, n) => M._lc_set_font(p, n));
    const initError = mem.withBytes(files.images, (pi, ni) => mem.withBytes(files.labels, (pl, nl) =>
      M.UTF8ToString(M._lc_init(pi, ni, pl, nl))));
    if (initError) throw new PageError(initError);
    if (files.weights) mem.withBytes(files.weights, (p, n) => mem.withText(FILES.weights.url, (pn) => M._lc_load_weights(p, n, pn)));
    mem.withText(location.hash, (p) => M._lc_set_link(p));
  }

  // [SECTION] Step 5, the script API: window.latentCanvas, over lc_call. Every call sends one request and gets that
  // request's answer or its error, which is thrown as `name: why`.
  function buildApi(M, mem) {
    const call = (name, args = {}) => {
      const answer = JSON.parse(mem.withText(JSON.stringify({ call: name, ...args }), (p) => M.UTF8ToString(M._lc_call(p))));
      if ('error' in answer) throw new Error(`${name}: ${answer.error}`);
      return answer.ok;
    };
    const bytes = (b) => mem.heap().slice(b.pointer, b.pointer + b.length);
    const onPage = (r) => { const c = M.canvas.getBoundingClientRect(); return { ...r, x: r.x + c.left, y: r.y + c.top }; };
    const list = (v) => (v != null && typeof v[Symbol.iterator] === 'function' ? Array.from(v) : v);
    const state = () => ({ ...call('state'), isolated: self.crossOriginIsolated === true, embedded,
      autosave: api.autosave ? api.autosave.status() : { enabled: false, lastSavedAt: null, bytes: 0, restoredFrom: null } });
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
    const command = (name, args) => { try { return applied(call(name, args)); } catch (e) { return Promise.reject(e); } };
    Object.assign(api, {
      state,
      setTraining: (on) => command('setTraining', { on: !!on }),
      // Exactly n training steps, then a pause: resolves with the state once they are done, rejects when training
      // stopped before them (a divergence, another command).
      step: async (n = 1) => {
        const before = state().step;
        const s = await command('step', { steps: Number(n) });
        for (let now = s; ; now = state()) {
          if (!now.training && now.stepsLeft === 0 && !now.evaluating) {
            if (now.step - before >= n) return now;
            throw new Error(`step: training stopped after ${now.step - before} of ${n} steps${now.diverged ? `: ${now.diverged}` : ''}`);
          }
          await new Promise((go) => setTimeout(go, 5));
        }
      },
      reset: (seed = 1) => command('reset', { seed: Number(seed) }),
      // Any settings of the schema (docs/script-api.md): those that fit the current model apply to it at once,
      // a new shape makes a new model. Rejects what the schema refuses, with its message.
      apply: (settings) => command('apply', { settings: settings ?? null }),
      // The pretrained model of a family, 'dense' or 'conv', for the data in use (without asking, as apply()):
      // resolves once it is the model, fetching its file first when needed; rejects with the page's message.
      usePretrained: async (model = 'dense') => {
        const r = call('usePretrained', { model });
        if (r.command !== undefined) return applied(r.command);
        for (const end = Date.now() + 60000; Date.now() < end; await new Promise((go) => setTimeout(go, 20))) {
          const s = state();
          if (s.fileError) throw new Error(`usePretrained: ${s.fileMessage}`);
          if (s.model === model && s.origin.startsWith('pretrained') && !s.evaluating) return s;
        }
        throw new Error(`usePretrained: the ${model} model did not arrive within 60 s`);
      },
      // Benchmark: `steps` training steps of a fresh model (the seed model, or {model: 'conv', channels, bottleneck})
      // at `batch` and `threads`, on the session's thread, with the interface's frames paused. bench(300) still means
      // 300 steps. The result names the model it timed and its MFLOP per sample.
      bench: async (options = {}) => {
        const o = typeof options === 'number' ? { steps: options } : options;
        const threads = o.threads ?? 1, batch = o.batch ?? 256;
        const model = {};
        for (const key of ['model', 'channels', 'bottleneck']) if (o[key] !== undefined) model[key] = o[key];
        M.pauseMainLoop();
        try {
          await command('bench', { steps: o.steps ?? 200, batch, threads, ...model });
        } finally { M.resumeMainLoop(); }
        const r = call('benchResult');
        if (r.error) throw new Error(`bench: ${r.error}`);
        return { samplesPerSec: r.samplesPerSec, gflops: r.gflops, msPerStep: r.msPerStep, steps: r.steps, threads, batch,
          model: r.model, mflopPerSample: r.mflopPerSample };
      },
      weightsFile: () => { const w = call('weightsFile'); return { name: w.name, bytes: bytes(w.bytes) }; },
      exportModel: ({ format, part = 'all' } = {}) => { const e = call('exportModel', { format, part }); return { name: e.name, bytes: bytes(e.bytes) }; },
      // The drawing.
      canvasRect: () => onPage(call('canvasRect')),
      input: () => call('input'),
      latent: () => call('latent'),
      reconstruction: () => call('reconstruction'),
      clearCanvas: () => { call('clearCanvas'); },
      undo: () => call('undo'),
      setBrush: (radius) => call('setBrush', { radius: Number(radius) }),
      drawingRaster: () => { const r = call('drawingRaster'); return { size: r.size, pixels: Array.from(bytes(r.bytes)) }; },
      // The latent views.
      // The map, once settled; {method: 'pca' | 'tsne'} switches it first (t-SNE settles over frames, a few seconds),
      // {codes: true} adds codeNeighbourAgreement, the same measure in the code space (slower).
      map: async (options = {}) => {
        let m = call('map', options.method !== undefined ? { method: options.method } : {});
        for (const end = Date.now() + 120000; !m.settled; m = call('map')) {
          if (Date.now() > end) throw new Error(`map: t-SNE had not settled after 120 s (iteration ${m.iteration} of ${m.iterations})`);
          await new Promise((go) => setTimeout(go, 50));
        }
        if (options.codes) m = call('map', { codes: true });
        return { ...m, rect: onPage(m.rect) };
      },
      // The Network tab's blocks and the values each shows now (docs/script-api.md).
      network: () => call('network'),
      setCode: (values) => call('setCode', { values: list(values) }).code,
      decode: (values) => call('decode', { values: list(values) }),
      interpolate: (a, b, steps) => call('interpolate', { a: list(a), b: list(b), steps }),
      neighbours: () => call('neighbours'),
      unusualness: () => call('unusualness'),
      // The drawing as the views show it now (no waiting for them): {loss, percentile, neighbours: [labels]} or null.
      drawingSummary: () => call('drawingSummary'),
      unitImages: (which) => call('unitImages', { which }),
      featureMaps: () => call('featureMaps'),
      sliders: () => call('sliders'),
      selectTab: (tab) => call('selectTab', { tab }),
      diagnosis: () => call('diagnosis'),
      // Where some controls were last drawn, in page CSS pixels: {"tab:map": {x, y, width, height}, ...}.
      controls: () => Object.fromEntries(Object.entries(call('controls')).map(([name, c]) => [name, onPage(c)])),
      // The curves the Training panel charts: {train, test, trainPenalty, testPenalty}, each [[step, loss], ...].
      curves: () => call('curves'),
    });
    // Autosave (web/autosave.js), started once the interface is up; state().autosave reports it.
    const restore = (data, name) => {
      const r = JSON.parse(mem.withBytes(data, (p, n) => mem.withText(name, (pn) => M.UTF8ToString(M._lc_restore(p, n, pn)))));
      return 'error' in r ? { error: r.error } : { command: r.ok.command };
    };
    startAutosave = () => {
      // An embedded view starts fresh each time: a lesson may embed the page twice, and the two would share storage.
      if (api.state().embed) return Promise.resolve();
      const autosave = window.latentAutosave({ api, call, bytes, restore, notice, chooseData: (kind) => api.chooseData(kind) });
      api.autosave = { status: autosave.status, saveNow: autosave.saveNow, startOver: autosave.startOver };
      return autosave.start();
    };
  }
  let startAutosave = () => {};

  // [SECTION] Input: the drawing's pointer events, touches on the interface, and files.
  //
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
  // anywhere on the page, or latentCanvas.openFiles. They are read here and handed to the C++ side, which sorts
  // them (weights, or IDX images and labels) and says what it did in state().fileMessage; nothing is uploaded.
  function wireFiles(M, mem) {
    const report = (message) => { notice(message, 'warning'); };
    async function open(list) {
      const files = [...list];
      if (files.length === 0) return;
      const size = (f) => (f instanceof Blob ? f.size : f.bytes?.length ?? 0);
      const big = files.find((f) => size(f) > MAX_FILE_BYTES);
      if (big) {
        report(`${big.name}: ${(size(big) / 1e6).toFixed(1)} MB; files up to ${(MAX_FILE_BYTES / 1e6).toFixed(1)} MB are taken ` +
          '(100,000 images of 28x28)');
        return;
      }
      let contents;
      try {
        // File objects (a Blob's own bytes() is a method), or {name, bytes} from a script.
        contents = await Promise.all(files.map(async (f) => (f instanceof Blob ? new Uint8Array(await f.arrayBuffer()) : new Uint8Array(f.bytes))));
      } catch (e) {
        report(`Could not read ${files.map((f) => f.name).join(', ')}: ${e.message}`);
        return;
      }
      handFiles(M, mem, files.map((f, i) => ({ name: f.name, bytes: contents[i] })));
      M._lc_files_open();
    }
    // A built-in data set, downloaded only when it is chosen (the Training panel's Data row): its images, labels
    // and pretrained weights, from the page's own origin.
    async function fetchData(kind) {
      const keys = DATA_SETS[kind];
      let contents;
      try {
        contents = await Promise.all(keys.map((key) => fetchBytes(FILES[key])));
      } catch (e) {
        mem.withText(e.message, (p) => M._lc_files_refuse(p));
        return;
      }
      handFiles(M, mem, keys.map((key, i) => ({ name: FILES[key].url.split('/').pop(), bytes: contents[i] })));
      mem.withText(kind, (p) => M._lc_dataset_open(p));
    }
    // A pretrained model's file (the C++ side names it, src/app/pretrained_files.hpp), from the page's own origin,
    // fetched when a person asks for that model: gzipped, as the core reads it.
    async function fetchWeights(file) {
      let bytes;
      try {
        bytes = await fetchBytes({ url: `assets/weights/${file}`, what: 'the pretrained model' });
      } catch (e) {
        mem.withText(e.message, (p) => M._lc_files_refuse(p));
        return;
      }
      handFiles(M, mem, [{ name: file, bytes }]);
      M._lc_pretrained_open();
    }
    const input = $('file-input');
    input.addEventListener('change', () => { const files = [...input.files]; input.value = ''; open(files); });
    wireDrop(open);
    Object.assign(M, {
      latentPick: () => input.click(),
      latentFetchData: fetchData,
      latentFetchWeights: fetchWeights,
      latentNotify: (message, error) => notice(message, error ? 'warning' : 'info'),
      latentCopyLink: () => copyLink(),
      latentSave: (name, pointer, length) => { saveFile(name, mem.heap().slice(pointer, pointer + length)); return 1; },
    });
    Object.assign(api, {
      // Opens files as a drop would: File objects, or {name, bytes}. Resolves once they are handed over; the
      // outcome is in state() (fileMessage, fileError; filesWaiting while the page asks before replacing a model).
      openFiles: (files) => open(files),
      // A built-in data set, as the Data row chooses it: 'mnist' or 'fashion' (asks first over a trained model).
      chooseData: (kind) => {
        if (!(kind in DATA_SETS)) return Promise.reject(new Error(`chooseData: expected 'mnist' or 'fashion', got '${kind}'`));
        return fetchData(kind);
      },
    });
  }

  // Copy link: the page's address, which holds its settings (the C++ side keeps location.hash up to date), on the
  // clipboard, said in the notice. The asynchronous Clipboard API where the page may use it (a click has just
  // happened); else the older copy command on a hidden text field. Returns whether either took it.
  function copyLink() {
    const link = location.href;
    const done = () => { api.lastCopiedLink = link; notice(`Copied the link to this setup: ${link}`, 'info'); };
    const fallback = () => {
      const field = document.createElement('textarea');
      field.value = link;
      field.setAttribute('readonly', '');
      field.style.cssText = 'position:fixed;left:-9999px;top:0';
      document.body.appendChild(field);
      field.select();
      let ok = false;
      try { ok = document.execCommand('copy'); } catch { ok = false; }
      field.remove();
      if (ok) done();
      else notice(`The browser did not allow copying; the link is: ${link}`, 'warning');
      return ok;
    };
    if (!navigator.clipboard?.writeText) return fallback() ? 1 : 0;
    navigator.clipboard.writeText(link).then(done, fallback);
    return 1;
  }

  // A download of bytes under a name, from a blob: URL (no request leaves the page).
  function saveFile(name, bytes) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  }

  // Dropping files anywhere on the page; the overlay says what may be dropped while something is dragged over.
  function wireDrop(open) {
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
  }

  // [SECTION] The interface: main() opens the WebGL2 canvas and hands its frame to the browser; the page is ready
  // once the first frame has drawn the interface (and placed the drawing area).
  function runInterface(M) {
    try {
      M.callMain([]);
    } catch (e) {
      if (e !== 'unwind' && !(e && e.name === 'ExitStatus')) { fail(`The interface could not start: ${e}`); return; }
    }
    if (api.error) return;
    mark('interface');
    $('loader').classList.add('done');
    // Ready once the first frame has laid out the drawing (or, in an embedded view without it, the first frame).
    const drawn = () => {
      const views = api.state().embed ?? '';  // known once the interface has laid out a frame
      return api.canvasRect().width > 0 || (views !== '' && !views.split(',').includes('draw'));
    };
    const waitForFrame = () => {
      if (drawn()) {
        mark('ready');
        api.ready = true;
        words();
        startTour(M);
        startAutosave().catch((e) => console.warn(`autosave: ${e.message}`));
        return;
      }
      requestAnimationFrame(waitForFrame);
    };
    requestAnimationFrame(waitForFrame);
  }

  // The guided tour (web/tour.js), once the interface is up: the interface's Tour button opens it, and
  // tour() in the script API reports its step ({open, step, steps, title, done, seen}) or moves it:
  // tour('open' | 'close' | 'next' | 'back').
  function startTour(M) {
    const tour = window.latentTour(api, M.canvas);
    M.latentOpenTour = () => tour.open();
    api.tour = (action) => {
      if (action !== undefined) {
        if (!['open', 'close', 'next', 'back'].includes(action)) throw new Error(`tour: expected 'open', 'close', 'next' or 'back', got '${action}'`);
        tour[action]();
      }
      return tour.report();
    };
  }

  // [SECTION] Words for what the canvas shows, for screen readers. A polite live region (#speech) says when training
  // starts or stops, each epoch's test loss, and after a stroke the drawing's reconstruction loss and its nearest
  // training digits; a message waits until 2 s after the last one (the newest of each kind is kept, so a fast run of
  // epochs is one message, not a queue). A visually hidden summary (#summary) says what the model and its settings
  // are. Both read the script API's state, four times a second.
  const SPEECH_GAP_MS = 2000;
  function words() {
    const pending = new Map();  // kind -> the newest text of that kind
    let last = null, spokenAt = 0;
    const fixed = (v, d = 4) => (v == null ? 'not known yet' : Number(v).toFixed(d));
    const strokeWords = (s) => {
      if (s.strokes === 0) return 'The drawing is empty.';
      const d = api.drawingSummary(), items = s.dataKind === 'fashion' ? 'images' : 'digits';
      if (!d) return null;  // the views have yet to take it
      return `Your drawing is rebuilt with a loss of ${fixed(d.loss)}, more unusual than ${Math.round(d.percentile)} % ` +
        `of test ${items}. Its nearest training ${items} by code: ${d.neighbours.map((l) => s.classNames?.[l] ?? l).join(', ')}.`;
    };
    const summary = (s) => `${s.architecture} (${s.model}), a code of ${s.latentDim} numbers, ${s.variant} autoencoder, ` +
      `on ${s.data}. Learning rate ${s.learningRate}, batch ${s.batchSize}, ${s.targetEpochs} epochs as the target, ` +
      `${s.trainingThreads} training thread${s.trainingThreads === 1 ? '' : 's'}. ${s.training ? 'Training' : 'Paused'}: ` +
      `epoch ${s.epoch}, step ${s.step}, test loss ${fixed(s.testLoss)}.${s.identityTrap ? ` ${s.identityTrap}` : ''}`;
    // What changed since the last look: training started or stopped, an epoch whose test loss is known, a stroke the
    // views have taken. `said` is what the region has spoken for (epochs restart with a new model).
    let said = null;
    const notice = (s) => {
      if (last && s.training !== last.training) {
        pending.set('training', s.training ? `Training started, from epoch ${s.epoch}.` : `Training stopped at epoch ${s.epoch}, step ${s.step}.`);
      }
      said ??= { epoch: s.epoch, strokes: s.strokes };
      if (s.epoch < said.epoch) said.epoch = s.epoch;
      if (s.epoch > said.epoch && s.testLoss != null) {
        pending.set('epoch', `Epoch ${s.epoch} done: test loss ${fixed(s.testLoss)}.`);
        said.epoch = s.epoch;
      }
      const shown = !s.drawing && s.viewsDrawingRevision === s.drawingRevision;  // the views have taken the stroke
      const stroke = s.strokes !== said.strokes && shown ? strokeWords(s) : null;
      if (stroke) {
        pending.set('drawing', stroke);
        said.strokes = s.strokes;
      }
      last = s;
    };
    const look = () => {
      if (!api.ready || api.error) return;
      const s = api.state();
      notice(s);
      const text = summary(s);
      if ($('summary-text').textContent !== text) $('summary-text').textContent = text;
      if (pending.size && Date.now() - spokenAt >= SPEECH_GAP_MS) {
        $('speech').textContent = [...pending.values()].join(' ');
        pending.clear();
        spokenAt = Date.now();
      }
    };
    setInterval(() => { try { look(); } catch (e) { console.warn(`words: ${e.message}`); } }, 250);
  }

  const OPENED_FROM_DISK = 'This page was opened straight from disk (file://), and browsers do not let such pages load ' +
    'their WebAssembly or data. Serve the folder instead: run scripts/start.sh and open http://127.0.0.1:8080/, or ' +
    'run any static server in build/web (for example python3 -m http.server) and open the address it prints.';

  async function start() {
    if (location.protocol === 'file:') { fail(OPENED_FROM_DISK); return; }
    api.isolation = await isolate();
    if (api.isolation === 'reloading') return;
    mark('isolated');
    const programName = api.isolation === 'none' ? 'latent-canvas-st' : 'latent-canvas';
    const { program: programBytes, compiled, files } = download(programName);
    const missing = missingFeature();
    if (missing) { fail(missing); return; }
    const { script, runtime } = instantiate(programName, compiled);
    const downloaded = await files;
    await programBytes;
    mark('downloaded');
    $('status').textContent = 'Starting the model\u2026';
    await script;
    await runtime;
    mark('runtime');
    const M = window.Module;
    const mem = memory(M);
    handOver(M, mem, downloaded);
    mark('data');
    // Not said in a frame: the lesson around it chose to embed the page, and the notice would cover its views
    // (state().embedded and threadsUnavailable still say it).
    if (api.isolation === 'none' && !embedded) {
      warn(`Training runs in this page's own thread, between frames, because ${api.threadsUnavailable}. ` +
        'For training on separate threads, serve the page with scripts/start.sh (see docs/hosting.md).');
    }
    buildApi(M, mem);
    wireFiles(M, mem);
    wireDrawing(M, M.canvas);
    M.canvas.addEventListener('contextmenu', (e) => e.preventDefault());
    runInterface(M);
  }

  start().catch((e) => fail(e instanceof PageError ? e.message : `Latent Canvas could not start: ${e && e.message ? e.message : e}`));
})();
