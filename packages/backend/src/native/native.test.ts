import { describe, it, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { addonHostMismatch, nativeAddon, nativeStatus, setNativeKernels } from './native-addon';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randn, randomTensor } from '../testing/grad-check';
import { TEST_BACKENDS, useBackend } from '../testing/backends';
import { tinyUNet } from '../testing/tiny-unet';

/** N, D, H, W, Ci, oD, oH, oW, Co, kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw */
type Geom = number[];

/** Direct float64 loops over the geometry: y[m, o] = sum over taps inside the input of x * w. */
function naive(g: Geom, x: Float64Array | Float32Array, w: Float64Array | Float32Array, mode: 'fwd' | 'in' | 'filter', dy?: Float32Array) {
  const [N, D, H, W, Ci, oD, oH, oW, Co, kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw] = g;
  const y = new Float64Array(N * oD * oH * oW * Co);
  const dx = new Float64Array(N * D * H * W * Ci);
  const dwt = new Float64Array(kd * kh * kw * Ci * Co);
  for (let n = 0; n < N; n++) for (let od = 0; od < oD; od++) for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
    const m = ((n * oD + od) * oH + oh) * oW + ow;
    for (let a = 0; a < kd; a++) for (let b = 0; b < kh; b++) for (let c = 0; c < kw; c++) {
      const id = od * sd - pd + a * dd, ih = oh * sh - ph + b * dh, iw = ow * sw - pw + c * dw;
      if (id < 0 || id >= D || ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      const xi = (((n * D + id) * H + ih) * W + iw) * Ci;
      for (let i = 0; i < Ci; i++) {
        const wi = (((a * kh + b) * kw + c) * Ci + i) * Co;
        for (let o = 0; o < Co; o++) {
          if (mode === 'fwd') y[m * Co + o] += x[xi + i] * w[wi + o];
          else if (mode === 'in') dx[xi + i] += dy![m * Co + o] * w[wi + o];
          else dwt[wi + o] += x[xi + i] * dy![m * Co + o];
        }
      }
    }
  }
  return mode === 'fwd' ? y : mode === 'in' ? dx : dwt;
}

const f32 = (n: number, seed: number) => Float32Array.from(randn(n, seed));

const GEOMS: [string, Geom][] = [
  ['2-D 3x3 same', [1, 1, 7, 6, 3, 1, 7, 6, 4, 1, 3, 3, 1, 1, 1, 0, 1, 1, 1, 1, 1]],
  ['2-D 3x3 stride 2, batch 2', [2, 1, 7, 6, 3, 1, 4, 3, 5, 1, 3, 3, 1, 2, 2, 0, 1, 1, 1, 1, 1]],
  ['2-D 3x3 dilation 2', [1, 1, 9, 8, 2, 1, 9, 8, 3, 1, 3, 3, 1, 1, 1, 0, 2, 2, 1, 2, 2]],
  ['2-D 7x7 stride 2 (stem), padding wider than some windows', [1, 1, 9, 8, 3, 1, 5, 4, 4, 1, 7, 7, 1, 2, 2, 0, 3, 3, 1, 1, 1]],
  ['2-D 1x1 (pointwise GEMM path)', [2, 1, 5, 6, 7, 1, 5, 6, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1]],
  ['2-D 1x1 stride 2', [1, 1, 6, 6, 3, 1, 3, 3, 2, 1, 1, 1, 1, 2, 2, 0, 0, 0, 1, 1, 1]],
  ['2-D 2x2 stride 2 (transposed-conv geometry)', [1, 1, 6, 8, 3, 1, 3, 4, 5, 1, 2, 2, 1, 2, 2, 0, 0, 0, 1, 1, 1]],
  ['2-D 3x3, 20 -> 70 channels (64-wide panels with a tail)', [1, 1, 6, 5, 20, 1, 6, 5, 70, 1, 3, 3, 1, 1, 1, 0, 1, 1, 1, 1, 1]],
  ['2-D 3x3 over several im2col blocks', [1, 1, 130, 129, 2, 1, 130, 129, 3, 1, 3, 3, 1, 1, 1, 0, 1, 1, 1, 1, 1]],
  ['3-D 3x3x3 same', [1, 5, 6, 4, 3, 5, 6, 4, 2, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
  ['3-D anisotropic stride [1, 2, 2] valid, batch 2', [2, 5, 6, 7, 2, 3, 2, 3, 3, 3, 3, 3, 1, 2, 2, 0, 0, 0, 1, 1, 1]],
  ['3-D 1x3x3 stride [2, 1, 1]', [1, 6, 5, 4, 2, 3, 5, 4, 3, 1, 3, 3, 2, 1, 1, 0, 1, 1, 1, 1, 1]],
  // Degenerate sizes: K = kd * kh * kw * Ci = 1 once made sgemm's leading dimension of im2col^T invalid (filter gradient all zeros).
  ['2-D 1x1, 1 input channel', [1, 1, 5, 6, 1, 1, 5, 6, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1]],
  ['2-D 1x1, 1 input and 1 output channel, batch 2', [2, 1, 4, 6, 1, 1, 4, 6, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1]],
  ['2-D 1x1, 1 output channel', [1, 1, 5, 5, 4, 1, 5, 5, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1]],
  ['2-D 1x1 stride 2, 1 input channel', [1, 1, 5, 5, 1, 1, 3, 3, 4, 1, 1, 1, 1, 2, 2, 0, 0, 0, 1, 1, 1]],
  ['2-D 1x1 stride 2, 1 input and 1 output channel', [1, 1, 6, 5, 1, 1, 3, 3, 1, 1, 1, 1, 1, 2, 2, 0, 0, 0, 1, 1, 1]],
  ['2-D 3x3, 1 input and 1 output channel', [1, 1, 5, 5, 1, 1, 5, 5, 1, 1, 3, 3, 1, 1, 1, 0, 1, 1, 1, 1, 1]],
  ['2-D 1x1, 1 input channel, one pixel', [1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1]],
  ['3-D 1x1x1, 1 input channel', [1, 3, 4, 4, 1, 3, 4, 4, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1]],
  ['3-D 1x1x1, 1 input and 1 output channel, batch 2', [2, 2, 3, 4, 1, 2, 3, 4, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1]],
  ['3-D 1x1x1, 1 output channel', [1, 2, 4, 4, 3, 2, 4, 4, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1]],
  ['3-D 1x1x1 stride 2, 1 input channel', [1, 4, 5, 4, 1, 2, 3, 2, 3, 1, 1, 1, 2, 2, 2, 0, 0, 0, 1, 1, 1]],
];

const addon = nativeAddon();
const required = process.env.AFL_REQUIRE_NATIVE === '1';

describe('native convolution addon', () => {
  it('is built and loads (required in CI: AFL_REQUIRE_NATIVE=1)', { skip: !required && addon == null ? `not built: ${nativeStatus().why}` : false }, () => {
    assert.ok(addon != null, nativeStatus().why);
  });

  it('is loaded only on the machine that built it (it is compiled with -march=native)', { skip: addon == null }, () => {
    assert.equal(addonHostMismatch(), undefined);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-host-'));
    const file = path.join(dir, 'host.json');
    assert.match(addonHostMismatch(file) ?? '', /without a host record/);
    fs.writeFileSync(file, JSON.stringify({ platform: process.platform, arch: process.arch, cpu: 'Some Other CPU', flags: '' }));
    assert.match(addonHostMismatch(file) ?? '', /built for another CPU \(Some Other CPU\); rebuild it here/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const tiles = addon?.useTiles() ?? false;
  after(() => addon?.useTiles(tiles));
  for (const [name, g] of GEOMS) for (const product of tiles ? ['tiles', 'sgemm'] : ['sgemm']) {
    it(`${name}: forward, input and filter gradients match float64 loops (${product})`, { skip: addon == null }, () => {
      addon!.useTiles(product === 'tiles');
      const [N, D, H, W, Ci, oD, oH, oW, Co, kd, kh, kw] = g;
      const x = f32(N * D * H * W * Ci, 1);
      const w = f32(kd * kh * kw * Ci * Co, 2);
      const dy = f32(N * oD * oH * oW * Co, 3);
      const geom = Int32Array.from(g);
      const y = new Float32Array(dy.length).fill(NaN);
      const dx = new Float32Array(x.length).fill(NaN);
      const dwt = new Float32Array(w.length).fill(NaN);
      addon!.convForward(x, w, y, geom);
      addon!.convBackpropInput(dy, w, dx, geom);
      addon!.convBackpropFilter(x, dy, dwt, geom);
      for (const [got, want] of [[y, naive(g, x, w, 'fwd')], [dx, naive(g, x, w, 'in', dy)], [dwt, naive(g, x, w, 'filter', dy)]] as const) {
        const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        let err = 0;
        for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
        assert.ok(err <= 1e-5 * scale, `max abs error ${err} (scale ${scale})`);
      }
    });
  }

  it('AVX-512 tiles give bit-identical results with 1 and 2 threads (forward, input and filter gradients)', { skip: !tiles }, () => {
    addon!.useTiles(true);
    const g = [2, 3, 20, 18, 5, 3, 20, 18, 7, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const x = f32(2 * 3 * 20 * 18 * 5, 4);
    const w = f32(27 * 5 * 7, 5);
    const dy = f32(2 * 3 * 20 * 18 * 7, 6);
    const threads = addon!.setThreads(0);
    const run = (n: number) => {
      addon!.setThreads(n);
      const out = [new Float32Array(dy.length), new Float32Array(x.length), new Float32Array(w.length)];
      addon!.convForward(x, w, out[0], Int32Array.from(g));
      addon!.convBackpropInput(dy, w, out[1], Int32Array.from(g));
      addon!.convBackpropFilter(x, dy, out[2], Int32Array.from(g));
      return out;
    };
    const one = run(1);
    const two = run(2);
    addon!.setThreads(threads);
    one.forEach((a, i) => assert.deepEqual(two[i], a));
  });

  it('rejects arrays whose length does not match the geometry, and bad geometry', { skip: addon == null }, () => {
    const g = Int32Array.from(GEOMS[0][1]);
    assert.throws(() => addon!.convForward(new Float32Array(10), new Float32Array(108), new Float32Array(168), g), /length does not match/);
    assert.throws(() => addon!.convForward(new Float32Array(126), new Float32Array(108), new Float32Array(168), Int32Array.from([1, 2])), /geometry/);
    assert.throws(() => addon!.convForward(new Float64Array(126) as unknown as Float32Array, new Float32Array(108), new Float32Array(168), g), /Float32Array/);
    assert.throws(() => addon!.maxPool(new Float32Array(30), new Float32Array(5), Int32Array.from([1, 1, 5, 6, 1, 1, 2, 2])), /windows must tile/);
    assert.throws(() => addon!.maxPool(new Float32Array(24), new Float32Array(5), Int32Array.from([1, 1, 4, 6, 1, 1, 2, 2])), /Float32Arrays of the input and output sizes/);
    assert.throws(() => addon!.copyBox(new Float32Array(4), new Float32Array(6), Int32Array.from([2, 3]), Int32Array.from([0, 2]), Int32Array.from([2, 2]), false), /outside dims/);
  });
});

for (const backend of TEST_BACKENDS) {
  describe(`native kernels on ${backend}`, () => {
    before(() => useBackend(backend));
    after(() => setNativeKernels(true));

    it('a tiny 3-D U-Net gives the same loss and gradients with native convolutions on and off', { skip: addon == null }, () => {
      const model = tinyUNet(3, [4, 8, 8, 2]);
      const x = randomTensor([2, 4, 8, 8, 2], 5);
      const y = tf.randomUniform([2, 4, 8, 8, 2], 0, 1, 'float32', 6);
      const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
      const run = (on: boolean) => {
        setNativeKernels(on);
        const { value, grads } = tf.variableGrads(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
        const out = { loss: value.dataSync()[0], grads: vars.map((v) => grads[v.name].dataSync() as Float32Array) };
        tf.dispose([value, ...Object.values(grads)]);
        return out;
      };
      const off = run(false);
      const on = run(true);
      assert.ok(Math.abs(on.loss - off.loss) <= 1e-5 * Math.abs(off.loss));
      const global = Math.max(...off.grads.map((g) => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
      on.grads.forEach((g, i) => {
        let d = 0;
        for (let j = 0; j < g.length; j++) d = Math.max(d, Math.abs(g[j] - off.grads[i][j]));
        assert.ok(d <= 1e-4 * global, `weight ${model.trainableWeights[i].name}: max difference ${d} (largest gradient ${global})`);
      });
      tf.dispose([x, y]);
      model.dispose();
    });

    for (const [ci, co] of [[1, 3], [1, 1], [3, 1]]) for (const stride of [1, 2]) {
      it(`1x1 conv2d and 1x1x1 conv3d, ${ci} -> ${co} channels, stride ${stride}: output and gradients match the addon off`, { skip: addon == null }, () => {
        const cases = [
          { x: randomTensor([2, 5, 6, ci], 11), w: randomTensor([1, 1, ci, co], 12),
            f: (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, 'valid') },
          { x: randomTensor([1, 3, 5, 4, ci], 13), w: randomTensor([1, 1, 1, ci, co], 14),
            f: (x: tf.Tensor, w: tf.Tensor) => tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, stride, 'valid') },
        ];
        for (const { x, w, f } of cases) {
          const run = (on: boolean) => {
            setNativeKernels(on);
            return tf.tidy(() => {
              const y = f(x, w);
              const dy = tf.mul(tf.sin(tf.reshape(tf.range(0, y.size), y.shape)), 0.5);
              const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), dy)))([x, w]);
              return [y, dx, dw].map((t) => t.dataSync() as Float32Array);
            });
          };
          const off = run(false);
          const on = run(true);
          ['output', 'input gradient', 'filter gradient'].forEach((what, i) => {
            const scale = off[i].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
            assert.ok(scale > 0, `${what} is not all zeros`);
            let d = 0;
            for (let j = 0; j < off[i].length; j++) d = Math.max(d, Math.abs(on[i][j] - off[i][j]));
            assert.ok(d <= 1e-5 * scale, `${x.rank - 2}-D ${what}: max difference ${d} (scale ${scale})`);
          });
          tf.dispose([x, w]);
        }
      });
    }

    it('fusedConv2d with bias and relu matches conv2d + bias + relu computed without the addon', { skip: addon == null }, () => {
      const x = randomTensor([2, 9, 7, 3], 7);
      const w = randomTensor([3, 3, 3, 4], 8);
      const b = randomTensor([4], 9);
      const fused = (on: boolean) => {
        setNativeKernels(on);
        return tf.tidy(() => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation: 'relu' }).dataSync());
      };
      const want = fused(false);
      const got = fused(true);
      let d = 0;
      for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(got[i] - want[i]));
      assert.ok(d < 1e-5, `max difference ${d}`);
      assert.ok(want.some((v) => v === 0) && want.some((v) => v > 0), 'relu active on part of the output');
      tf.dispose([x, w, b]);
    });
  });
}
