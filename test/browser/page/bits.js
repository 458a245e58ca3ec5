/**
 * The bits of every optimizer on every backend, as one FNV-1a hash per optimizer and backend over
 * the parameters after each of 5 steps (two tensors of 1,003 and 64 elements, seeded values and
 * gradients). The browser suite runs this same file in each browser page and in Node and compares
 * the hashes: a browser must give Node's bits, not merely values within tolerance.
 * Plain ESM JavaScript so that pages load it as it is; `m` is the package's module.
 */
export async function optimizerBits(m) {
  const out = {};
  for (const backend of ['simd', 'scalar', 'js']) {
    const engine = await m.createEngine({ backend, initialBytes: 1 << 20 });
    for (const name of Object.keys(m.OPTIMIZERS).sort()) {
      // Shaped as the registration asks (Muon takes matrices only).
      const shape = m.OPTIMIZERS[name].registration.shape;
      const params = engine.parameters([1003, 64].map((n, t) => (shape ? { shape: [...shape(n, t)] } : n)));
      params.forEach((p, t) => {
        for (let i = 0; i < p.length; i++) p.data[i] = Math.sin(i * 0.37 + t) * 0.5;
      });
      const opt = new m.OPTIMIZERS[name](params, { lr: 0.01 });
      let h = 0x811c9dc5;
      for (let s = 0; s < 5; s++) {
        const grads = () =>
          params.forEach((p, t) => {
            for (let i = 0; i < p.length; i++) p.grad[i] = Math.cos(i * 0.11 + s * 1.7 + t) * (1 + (i % 7));
          });
        // A closure-driven optimizer (LBFGS) gets the loss Σ base·p + ½p², base the gradients above.
        if (m.OPTIMIZERS[name].registration.closure) {
          opt.step(() => {
            grads();
            let loss = 0;
            for (const p of params) {
              for (let i = 0; i < p.length; i++) {
                loss += p.grad[i] * p.data[i] + 0.5 * p.data[i] * p.data[i];
                p.grad[i] += p.data[i];
              }
            }
            return loss;
          });
        } else {
          grads();
          opt.step();
        }
        for (const p of params) {
          for (const w of new Uint32Array(p.data.slice().buffer)) {
            for (let k = 0; k < 32; k += 8) h = Math.imul(h ^ ((w >>> k) & 0xff), 0x01000193) >>> 0;
          }
        }
      }
      out[`${name}/${backend}`] = h.toString(16).padStart(8, '0');
      opt.dispose();
      for (const p of params) p.dispose();
    }
    engine.dispose();
  }
  return out;
}
