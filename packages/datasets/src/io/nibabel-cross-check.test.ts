import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readVolumeWithRaw } from './read-volume';

const PYTHON = '/usr/bin/python3';
const hasNibabel = spawnSync(PYTHON, ['-c', 'import nibabel'], { encoding: 'utf8' }).status === 0;
const NO_NIBABEL = `nibabel not importable by ${PYTHON} (apt-get install -y python3-nibabel); skipping the nibabel-written files`;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'afl-nibabel-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Writes NIfTI-1/NIfTI-2 files with nibabel in every byte order, dtype and container, with qform-only (qfac -1,
// oblique), sform-only (sheared), both, or no transform, some with scl_slope/scl_inter patched in, and prints what
// nibabel reads back from each.
const SCRIPT = String.raw`
import sys, json, gzip, hashlib, struct, numpy as np, nibabel as nib
out = sys.argv[1]
rng = np.random.default_rng(7)
dtypes = ['uint8', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64']
shapes = [(5, 4, 3), (6, 5), (3, 4, 2, 2), (2, 3, 2, 1, 2)]
containers = ['.nii', '.nii.gz', '.hdr', '.hdr.gz']
def quat_affine(b, c, d, zooms, qfac, off):
    a = np.sqrt(max(0.0, 1 - b*b - c*c - d*d))
    R = nib.quaternions.quat2mat([a, b, c, d])
    return np.r_[np.c_[R @ np.diag([zooms[0], zooms[1], zooms[2] * qfac]), off], [[0, 0, 0, 1]]]
facts = []
k = 0
for version in (1, 2):
    for endian in ('<', '>'):
        for dt in dtypes:
            k += 1
            container = containers[k % 4]
            shape = shapes[(k // 3) % len(shapes)]
            info = np.iinfo(dt) if dt.startswith(('u', 'i')) else None
            lo, hi = (info.min, info.max) if info else (-1000, 1000)
            data = rng.integers(max(lo, -30000), min(hi, 30000), size=shape).astype(endian + np.dtype(dt).str[1:])
            if info is None: data = (data + rng.random(shape)).astype(endian + np.dtype(dt).str[1:])
            pair = container.startswith('.hdr')
            cls = {(1, False): nib.Nifti1Image, (1, True): nib.Nifti1Pair, (2, False): nib.Nifti2Image, (2, True): nib.Nifti2Pair}[(version, pair)]
            hcls = nib.Nifti1Header if version == 1 else nib.Nifti2Header
            hdr = hcls(endianness=endian)
            hdr.set_data_dtype(np.dtype(dt))
            img = cls(data, None, header=hdr)
            mode = (k // 2) % 4
            qa = quat_affine(0.3, -0.2, 0.5, (0.7, 0.8, 2.5), -1 if k % 2 else 1, [12.5, -30.25, 7.0])
            sa = np.array([[0.9, 0.1, 0.0, -5.0], [0.0, 1.1, 0.2, 3.0], [0.05, 0.0, 2.0, 8.0], [0, 0, 0, 1]])
            img.header.set_qform(None, code=0)
            img.header.set_sform(None, code=0)
            if mode in (1, 3): img.header.set_qform(qa, code=1)
            if mode in (2, 3): img.header.set_sform(sa, code=2)
            img.header.set_zooms(tuple(list(img.header.get_zooms()[:len(shape)])))
            if mode in (1, 3):
                z = list(img.header['pixdim']); z[1:4] = [0.7, 0.8, 2.5]; z[0] = -1 if k % 2 else 1; img.header['pixdim'] = z
            name = f'{out}/v{version}-{"be" if endian == ">" else "le"}-{dt}-m{mode}{container}'
            img.to_filename(name)
            if k % 3 == 0:  # patch scaling into the header (nibabel writes none for these dtypes)
                hname = name
                raw = gzip.open(hname).read() if hname.endswith('.gz') else open(hname, 'rb').read()
                raw = bytearray(raw)
                if version == 1: raw[112:120] = struct.pack(endian + 'ff', 0.5, -3.0)
                else: raw[176:192] = struct.pack(endian + 'dd', 0.5, -3.0)
                (gzip.open(hname, 'wb') if hname.endswith('.gz') else open(hname, 'wb')).write(bytes(raw))
            back = nib.load(name)
            unscaled = np.asarray(back.dataobj.get_unscaled())
            le = np.ascontiguousarray(unscaled.T).astype(unscaled.dtype.newbyteorder('<'), copy=False)
            scaled = np.asarray(back.get_fdata())
            facts.append({'file': name, 'shape': list(back.shape), 'affine': back.affine.tolist(), 'dtype': dt,
                'zooms': [float(z) for z in back.header.get_zooms()],
                'sha': hashlib.sha256(le.tobytes()).hexdigest(), 'scaled': scaled.T.ravel().tolist()})
print(json.dumps(facts))
`;

interface Fact {
  file: string;
  shape: number[];
  affine: number[][];
  dtype: string;
  zooms: number[];
  sha: string;
  scaled: number[];
}

describe('readVolume vs nibabel on nibabel-written NIfTI-1/2 files', { skip: hasNibabel ? false : NO_NIBABEL }, () => {
  it('agrees on shape, spacing, affine, unscaled voxels and scaled values for every byte order, dtype and container', async () => {
    const r = spawnSync(PYTHON, ['-c', SCRIPT, tmp], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    assert.equal(r.status, 0, r.stderr);
    const facts = JSON.parse(r.stdout) as Fact[];
    assert.equal(facts.length, 32);
    for (const f of facts) {
      const what = path.basename(f.file);
      const { volume: v, raw } = await readVolumeWithRaw(f.file);
      assert.deepEqual(v.shape, f.shape, `${what} shape`);
      assert.equal(v.dtype, f.dtype, `${what} dtype`);
      v.spacing.forEach((s, i) => assert.ok(Math.abs(s - f.zooms[i]) < 1e-6, `${what} spacing ${v.spacing} vs ${f.zooms}`));
      v.affine.forEach((row, i) => row.forEach((x, j) => assert.ok(Math.abs(x - f.affine[i][j]) < 1e-5, `${what} affine[${i}][${j}] ${x} vs ${f.affine[i][j]}`)));
      const sha = crypto.createHash('sha256').update(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)).digest('hex');
      assert.equal(sha, f.sha, `${what} unscaled voxels`);
      f.scaled.forEach((x, i) => assert.ok(Math.abs(v.data[i] - x) <= 1e-6 * Math.max(1, Math.abs(x)), `${what} value ${i}: ${v.data[i]} vs ${x}`));
    }
  });
});
