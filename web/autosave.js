// Autosave: the session (weights, Adam's moments, the batch order, the curves, the counters and the settings; the
// core's checkpoint file, src/core/checkpoint.hpp) and the drawing (its strokes) kept in the browser's IndexedDB, and brought back when the page
// loads. Why IndexedDB: it stores binary blobs in every browser this page supports, in private windows too where
// they allow storage at all, and its transactions are atomic; the origin private file system is newer and offers
// nothing more here.
//
// Never lose data:
//   - a save writes a new record, then (in a second transaction) points `current` at it and deletes the old one, so
//     a tab killed mid-save leaves `current` on the previous, whole record (the orphan is removed at the next load);
//   - a full quota or refused storage turns autosave off and says so, and the page goes on;
//   - a record that does not decode, or does not fit this build, is refused with the core's one-line reason and moved
//     to the `rejected` store, never half-applied;
//   - two tabs: last writer wins. Each save is a whole record and `current` switches atomically, so the other tab's
//     save is replaced whole, never mixed; a lock (Web Locks) keeps a loading tab from reading or clearing away a
//     record another tab is half-way through saving.
// Data a person opened from their own files is not copied into storage: while the model trains on them, autosave
// pauses and says so.
//
// When: after each epoch, at most every 5 s while training, a second after a change while paused, and when the page
// is hidden (visibilitychange, pagehide).
'use strict';

window.latentAutosave = ({ api, call, bytes, restore, notice, chooseData }) => {
  const DB = 'latent-canvas', VERSION = 1;
  const TRAINING_GAP_MS = 5000, PAUSED_GAP_MS = 1000;
  const status = { enabled: false, lastSavedAt: null, bytes: 0, restoredFrom: null, reason: null };
  let db = null, saving = null, lastSignature = null, lastSaveAt = 0, lastEpoch = -1, timer = 0;

  const request = (r) => new Promise((done, fail) => { r.onsuccess = () => done(r.result); r.onerror = () => fail(r.error); });
  const finished = (tx) => new Promise((done, fail) => {
    tx.oncomplete = () => done();
    tx.onerror = () => fail(tx.error);
    tx.onabort = () => fail(tx.error ?? new Error('the transaction was aborted'));
  });

  function openDb() {
    if (typeof indexedDB === 'undefined') return Promise.reject(new Error('this browser offers no IndexedDB here'));
    const r = indexedDB.open(DB, VERSION);
    r.onupgradeneeded = () => {
      for (const store of ['sessions', 'meta', 'rejected']) {
        if (!r.result.objectStoreNames.contains(store)) r.result.createObjectStore(store);
      }
    };
    return request(r);
  }

  function off(why) {
    status.enabled = false;
    status.reason = why;
    clearInterval(timer);
    notice(`Autosave is off: ${why}. The page goes on; use Save weights to keep a model.`, 'warning');
  }

  // The session's checkpoint file, made by the session now.
  async function checkpoint() {
    const { command } = call('saveSession');
    for (;;) {
      const s = api.state();
      if (s.commandsApplied >= command) break;
      await new Promise((go) => setTimeout(go, 5));
    }
    const saved = call('savedSession');
    return bytes(saved.bytes);
  }

  // Tabs of one profile share the database. A save (its write, then its switch) and a load's reading and clearing
  // away each hold one lock (Web Locks), so that no tab reads, or clears away as an orphan, what another is half-way
  // through saving; a tab that is closed or killed releases it. Without Web Locks (not a secure context) they run
  // unlocked.
  const LOCK = 'latent-canvas-autosave';
  const locked = (fn) => (navigator.locks ? navigator.locks.request(LOCK, fn) : fn());

  // One save: the record first, then `current` switched to it. `stopBeforeSwitch` (tests) leaves it written but not
  // current, as a tab killed between the two would.
  async function saveNow({ stopBeforeSwitch = false } = {}) {
    if (!status.enabled || saving) return saving;
    saving = (async () => {
      const s = api.state();
      const data = await checkpoint();
      const id = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
      const record = { id, savedAt: Date.now(), data: s.dataKind, epoch: s.epoch, step: s.step, testLoss: s.testLoss,
        architecture: s.architecture, bytes: data, drawing: call('drawingStrokes') };
      const switched = await locked(async () => {
        const write = db.transaction('sessions', 'readwrite');
        write.objectStore('sessions').put(record, id);
        await finished(write);
        if (stopBeforeSwitch) return false;
        const swap = db.transaction(['sessions', 'meta'], 'readwrite');
        const meta = swap.objectStore('meta');
        const old = await request(meta.get('current'));
        meta.put({ id, revision: (old?.revision ?? 0) + 1 }, 'current');
        if (old && old.id !== id) swap.objectStore('sessions').delete(old.id);
        await finished(swap);
        return true;
      });
      if (!switched) return;
      status.lastSavedAt = record.savedAt;
      status.bytes = data.length;
    })();
    try {
      await saving;
    } catch (e) {
      off(e?.name === 'QuotaExceededError' ? 'the browser\u2019s storage for this page is full' : `the browser refused to store it (${e?.message ?? e})`);
    } finally {
      saving = null;
    }
  }

  const clock = (ms) => { const d = new Date(ms); return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`; };

  // What has changed that a save would keep.
  const signature = (s) => JSON.stringify([s.step, s.epoch, s.origin, s.architecture, s.learningRate, s.batchSize,
    s.targetEpochs, s.variant, s.testLoss, s.evaluating, s.drawingRevision]);

  function tick() {
    if (!status.enabled || saving) return;
    const s = api.state();
    if (s.dataKind === 'own') {
      // Said once the page's own message about the files has gone, so as not to hide it.
      if (status.reason !== 'own' && document.getElementById('notice').hidden) {
        status.reason = 'own';
        notice('Autosave is paused while the model trains on your own files: they are not copied into the browser\u2019s storage.', 'info');
      }
      return;
    }
    if (status.reason === 'own') status.reason = null;
    const untouched = s.origin.startsWith('pretrained') && s.step === 0 && s.strokes === 0 && !status.lastSavedAt;  // nothing of yours yet
    if (s.evaluating || s.drawing || untouched) return;  // a stroke is saved once it ends
    const sig = signature(s), now = Date.now();
    if (sig === lastSignature) return;
    const due = s.epoch !== lastEpoch || now - lastSaveAt >= (s.training ? TRAINING_GAP_MS : PAUSED_GAP_MS);
    if (!due) return;
    lastSignature = sig;
    lastSaveAt = now;
    lastEpoch = s.epoch;
    saveNow();
  }

  // The saved session, if any, in place of the pretrained model: its data first, then the checkpoint. A record that
  // is refused goes to `rejected` with the reason, and the page starts as usual.
  async function restoreSaved() {
    const record = await locked(async () => {
      const meta = await request(db.transaction('meta').objectStore('meta').get('current'));
      await removeOrphans(meta?.id);
      return meta ? request(db.transaction('sessions').objectStore('sessions').get(meta.id)) : null;
    });
    if (!record) return;
    if (record.data === 'fashion' && api.state().dataKind !== 'fashion') await chooseData('fashion');
    const result = restore(record.bytes instanceof Uint8Array ? record.bytes : new Uint8Array(record.bytes ?? []),
      `the session saved at ${clock(record.savedAt)}`);
    if (result.error) {
      await locked(async () => {
        const tx = db.transaction(['sessions', 'meta', 'rejected'], 'readwrite');
        tx.objectStore('rejected').put({ ...record, reason: result.error }, record.id);
        tx.objectStore('sessions').delete(record.id);
        const meta = tx.objectStore('meta');
        // Unless another tab has saved since: then its save is current, and stays.
        if ((await request(meta.get('current')))?.id === record.id) meta.delete('current');
        await finished(tx);
      });
      notice(`Could not restore your saved model: ${result.error}. It is kept aside; the page starts afresh.`, 'warning');
      return;
    }
    for (;;) {
      const s = api.state();
      if (s.commandsApplied >= result.command && !s.evaluating) break;
      await new Promise((go) => setTimeout(go, 5));
    }
    restoreDrawing(record.drawing);
    status.restoredFrom = { savedAt: record.savedAt, epoch: record.epoch, step: record.step, testLoss: record.testLoss };
    lastSignature = signature(api.state());
    lastEpoch = api.state().epoch;
    const loss = record.testLoss == null ? '' : `, test loss ${Number(record.testLoss).toFixed(4)}`;
    notice(`Restored your model from ${clock(record.savedAt)}: ${record.epoch} epoch${record.epoch === 1 ? '' : 's'}${loss}.`, 'info',
      { label: 'Start over', run: startOver });
  }

  // The saved drawing's strokes, checked by the core as it replays them; a drawing it refuses is left out (the model
  // is still restored) and the console says why.
  function restoreDrawing(strokes) {
    if (!Array.isArray(strokes) || strokes.length === 0) return;
    try {
      call('restoreDrawing', { strokes });
    } catch (e) {
      console.warn(`autosave: the saved drawing was left out: ${e.message}`);
    }
  }

  async function removeOrphans(keep) {
    const tx = db.transaction('sessions', 'readwrite');
    const store = tx.objectStore('sessions');
    for (const key of await request(store.getAllKeys())) if (key !== keep) store.delete(key);
    await finished(tx);
  }

  // Forgets the saved session and starts the page afresh (the pretrained model).
  async function startOver() {
    status.enabled = false;
    const tx = db.transaction(['sessions', 'meta'], 'readwrite');
    tx.objectStore('sessions').clear();
    tx.objectStore('meta').clear();
    await finished(tx);
    location.reload();
  }

  const hidden = () => { if (document.visibilityState === 'hidden') saveNow(); };

  async function start() {
    try {
      db = await openDb();
    } catch (e) {
      off(`this browser refuses storage here (${e?.message ?? e}); private windows often do`);
      return;
    }
    status.enabled = true;
    try {
      await restoreSaved();
    } catch (e) {
      notice(`Could not read your saved model: ${e?.message ?? e}. The page starts afresh.`, 'warning');
    }
    timer = setInterval(() => { try { tick(); } catch (e) { console.warn(`autosave: ${e.message}`); } }, 250);
    document.addEventListener('visibilitychange', hidden);
    addEventListener('pagehide', () => saveNow());
  }

  return {
    start,
    status: () => ({ enabled: status.enabled, lastSavedAt: status.lastSavedAt, bytes: status.bytes,
      restoredFrom: status.restoredFrom, reason: status.reason }),
    saveNow,
    startOver,
  };
};
