import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatLoss, formatProgress, type ProgressEvent } from './progress';

const event: ProgressEvent = {
  epoch: 3, epochs: 12, step: 5, stepsPerEpoch: 10, loss: 4e-5, stepsPerSecond: 3.5, etaSeconds: 95,
  label: 'phantom-picai-resnet50-unet-afl-A_S-paper-s1-6c77fdf983',
};

describe('progress line', () => {
  it('prints small losses in exponent notation and ordinary ones with 4 significant digits', () => {
    assert.equal(formatLoss(4e-5), '4.000e-5');
    assert.equal(formatLoss(0.0123), '0.01230');
    assert.equal(formatLoss(0.9933), '0.9933');
    assert.equal(formatLoss(0), '0.000');
    assert.equal(formatLoss(NaN), 'NaN');
  });

  it('fits the terminal: shorter bar, then no bar, then a shortened label; never wider than columns - 1', () => {
    for (const columns of [200, 120, 80, 60, 40]) {
      const line = formatProgress(event, 24, columns);
      assert.ok(line.length <= columns - 1, `${columns} columns: ${line.length} characters`);
    }
    assert.match(formatProgress(event, 24, 200), /^phantom-picai-resnet50-unet-afl-A_S-paper-s1-6c77fdf983 \[#{5}\.{19}\] epoch 3\/12 step 5\/10 loss 4\.000e-5 /);
    const at80 = formatProgress(event, 24, 80);
    assert.doesNotMatch(at80, /\[/, 'no room for a bar next to the full label at 80 columns');
    assert.match(at80, /^…[\w-]+ epoch 3\/12/);
    assert.match(formatProgress({ ...event, label: 'cell' }, 24, 80), /^cell \[#+\.+\] epoch/);
    assert.equal(formatProgress(event).length > 100, true, 'without columns (log files) nothing is cut');
  });
});
