import * as fs from 'fs';
import { modelError } from '../errors';
import { NamedTensor, StateDict } from './state-dict';

// h5wasm is an ES module; load it with a real dynamic import from this CommonJS build.
const dynamicImport = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<unknown>;

interface H5Entity { keys?: () => string[]; shape?: number[]; value?: unknown }
interface H5Module {
  ready: Promise<unknown>;
  File: new (path: string, mode: string) => H5Entity & { get(p: string): H5Entity | null; close(): void };
}

/** Loads h5wasm's Node build (reads and writes real files). */
export async function loadH5wasm(): Promise<H5Module> {
  const mod = await dynamicImport('h5wasm/node') as { default?: H5Module } & H5Module;
  const h5 = mod.default ?? mod;
  await h5.ready;
  return h5;
}

/**
 * Maps a Keras ResNet50 layer name to the torchvision module name, both Keras naming schemes:
 * `conv2_block1_1_conv` / `res2a_branch2a` -> `layer1.0.conv1`, `conv2_block1_0_bn` / `bn2a_branch1` ->
 * `layer1.0.downsample.1`, `conv1_conv` / `conv1` -> `conv1`, `conv1_bn` / `bn_conv1` -> `bn1`. Others: undefined.
 */
export function kerasToTorchName(layer: string): { module: string; kind: 'conv' | 'bn' } | undefined {
  if (layer === 'conv1_conv' || layer === 'conv1') return { module: 'conv1', kind: 'conv' };
  if (layer === 'conv1_bn' || layer === 'bn_conv1') return { module: 'bn1', kind: 'bn' };
  let m = /^conv(\d)_block(\d+)_(\d)_(conv|bn)$/.exec(layer);
  let stage: number, block: number, branch: number, kind: 'conv' | 'bn';
  if (m) {
    [stage, block, branch, kind] = [Number(m[1]) - 1, Number(m[2]) - 1, Number(m[3]), m[4] as 'conv' | 'bn'];
  } else {
    m = /^(res|bn)(\d)([a-z])_branch(1|2a|2b|2c)$/.exec(layer);
    if (!m) return undefined;
    kind = m[1] === 'res' ? 'conv' : 'bn';
    stage = Number(m[2]) - 1;
    block = m[3].charCodeAt(0) - 97;
    branch = m[4] === '1' ? 0 : ' abc'.indexOf(m[4][1]);
  }
  const prefix = `layer${stage}.${block}`;
  if (branch === 0) return { module: `${prefix}.downsample.${kind === 'conv' ? 0 : 1}`, kind };
  return { module: `${prefix}.${kind}${branch}`, kind };
}

/** The BN module that follows a torchvision conv module. */
function bnAfter(convModule: string): string {
  if (convModule === 'conv1') return 'bn1';
  if (convModule.endsWith('downsample.0')) return convModule.replace(/0$/, '1');
  return convModule.replace(/conv(\d)$/, 'bn$1');
}

const BN_KEYS: Record<string, string> = { gamma: 'weight', beta: 'bias', moving_mean: 'running_mean',
  moving_variance: 'running_var' };

/**
 * Reads Keras's `resnet50_weights_tf_dim_ordering_tf_kernels(_notop).h5` into a tfjs-layout state dict with
 * torchvision names. Keras's convs have a bias and are each followed by BN; the bias is folded into that BN's moving
 * mean (`running_mean - bias`), exact in inference, so the bias-free PyTorch-style encoder reproduces Keras's features
 * (up to Keras's stride placement: Keras ResNet50 is v1, stride on the first 1x1 conv; this encoder is v1.5).
 * Layers that are not part of the encoder (`fc1000`, `probs`) are ignored.
 */
export async function readKerasH5(file: string): Promise<StateDict> {
  const fn = 'readKerasH5';
  if (!fs.existsSync(file)) throw modelError(fn, `file not found: ${file}.`);
  const h5 = await loadH5wasm();
  let f: InstanceType<H5Module['File']>;
  try {
    f = new h5.File(file, 'r');
  } catch (e) {
    throw modelError(fn, `${file} is not a readable HDF5 file (${(e as Error).message}).`);
  }
  const tensors = new Map<string, NamedTensor>();
  const biases = new Map<string, Float32Array>();
  try {
    const walk = (p: string, layer: string | undefined) => {
      const e = f.get(p);
      if (!e) return;
      if (typeof e.keys === 'function') {
        for (const k of e.keys!()) walk(p === '/' ? `/${k}` : `${p}/${k}`, layer ?? k);
        return;
      }
      if (!Array.isArray(e.shape) || layer === undefined) return;
      const mapped = kerasToTorchName(layer);
      if (!mapped) return;
      const weight = p.split('/').pop()!.replace(/:\d+$/, '');
      const value = e.value;
      const data = value instanceof Float32Array ? value : Float32Array.from(value as ArrayLike<number>);
      const shape = [...(e.shape ?? [])];
      if (mapped.kind === 'conv' && weight === 'kernel') tensors.set(`${mapped.module}.weight`, { shape, data });
      else if (mapped.kind === 'conv' && weight === 'bias') biases.set(mapped.module, data);
      else if (mapped.kind === 'bn' && BN_KEYS[weight]) tensors.set(`${mapped.module}.${BN_KEYS[weight]}`, { shape, data });
      else throw modelError(fn, `unexpected weight '${weight}' in Keras layer '${layer}' of ${file}.`);
    };
    walk('/', undefined);
  } finally {
    f.close();
  }
  if (tensors.size === 0) {
    throw modelError(fn, `${file} holds no Keras ResNet50 layer (conv1_conv, conv2_block1_1_conv, … or res2a_branch2a, …).`);
  }
  for (const [conv, bias] of biases) {
    const mean = tensors.get(`${bnAfter(conv)}.running_mean`);
    if (!mean || mean.data.length !== bias.length) {
      throw modelError(fn, `cannot fold the bias of '${conv}' (${bias.length} values) into '${bnAfter(conv)}' of ${file}.`);
    }
    mean.data = mean.data.map((v, i) => v - bias[i]);
  }
  return { layout: 'tfjs', tensors };
}
