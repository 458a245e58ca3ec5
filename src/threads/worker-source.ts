/**
 * The code each worker runs, as a string so Node (`new Worker(code, { eval: true })`) and
 * browsers (a Blob URL) start it the same way, with no file to locate or bundle. A worker
 * instantiates the kernels on the shared memory, then loops: wait on its command word, run the
 * kernel whose index and arguments the caller wrote into its argument slot, record the status,
 * publish completion and notify.
 *
 * Control words per worker w (Int32Array): [4w] command sequence (−1 = exit), [4w+1] completed
 * sequence, [4w+2] status (0 ok, 1 the kernel threw). Arguments (Float64Array): slot of
 * ARG_SLOT doubles at w·ARG_SLOT: kernel index, argument count, arguments.
 */
export const ARG_SLOT = 32;

export const WORKER_SOURCE = `
'use strict';
const ARG_SLOT = ${ARG_SLOT};
function start(init, post) {
  WebAssembly.instantiate(init.module, { env: { memory: init.memory } }).then((instance) => {
    const fns = init.names.map((n) => instance.exports[n]);
    const ctl = new Int32Array(init.control);
    const argv = new Float64Array(init.args);
    const base = init.index * 4;
    const slot = init.index * ARG_SLOT;
    post('ready');
    let seen = 0;
    for (;;) {
      Atomics.wait(ctl, base, seen);
      const cmd = Atomics.load(ctl, base);
      if (cmd === seen) continue;
      if (cmd < 0) break;
      seen = cmd;
      let status = 0;
      try {
        const argc = argv[slot + 1];
        const xs = new Array(argc);
        for (let i = 0; i < argc; i++) xs[i] = argv[slot + 2 + i];
        fns[argv[slot]](...xs);
      } catch (e) {
        status = 1;
      }
      Atomics.store(ctl, base + 2, status);
      Atomics.store(ctl, base + 1, seen);
      Atomics.notify(ctl, base + 1);
    }
  }, (e) => post('error: ' + (e && e.message || e)));
}
if (typeof require === 'function') {
  const { parentPort, workerData } = require('node:worker_threads');
  start(workerData, (m) => parentPort.postMessage(m));
} else {
  self.onmessage = (e) => start(e.data, (m) => self.postMessage(m));
}
`;
