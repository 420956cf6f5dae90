"""PyTorch reference for bench/train-step: the same two U-Nets, batch 1,
forward + backward + SGD, median and fastest step time after warm-up. Prints one JSON line.
Usage: train-step.py [steps] [threads] [specs] [devices]
  threads: torch.set_num_threads (0 or absent: torch's own choice);
  specs: JSON list of {name, dims, shape (channels last, as bench/train-step.ts), base, levels}, default the two
         default-size U-Nets; devices: 'cpu' (default), 'cuda' or 'cpu,cuda'. CUDA runs only when
         torch.cuda.is_available(), with torch.cuda.synchronize() before and after each timed step; its keys are
         prefixed 'cuda_' (cuda_unet3d_ms, ...), 'cuda' names the device or gives why it did not run.
Needs Debian's torch: apt-get install python3-torch (CPU), or a CUDA build of torch for 'cuda'."""
import json, sys, time, statistics
import torch
import torch.nn as nn


class Block(nn.Sequential):
    def __init__(self, conv, bn, cin, cout):
        super().__init__(conv(cin, cout, 3, padding=1), bn(cout), nn.ReLU(inplace=True),
                         conv(cout, cout, 3, padding=1), bn(cout), nn.ReLU(inplace=True))


class UNet(nn.Module):
    def __init__(self, dims, cin, base, levels, classes=2):
        super().__init__()
        conv, bn, up, pool = ((nn.Conv2d, nn.BatchNorm2d, nn.ConvTranspose2d, nn.MaxPool2d) if dims == 2
                              else (nn.Conv3d, nn.BatchNorm3d, nn.ConvTranspose3d, nn.MaxPool3d))
        ch = [base * 2 ** i for i in range(levels)]
        self.down = nn.ModuleList()
        c = cin
        for o in ch:
            self.down.append(Block(conv, bn, c, o))
            c = o
        self.pool = pool(2)
        self.ups = nn.ModuleList([up(ch[i + 1], ch[i], 2, stride=2) for i in range(levels - 1)])
        self.dec = nn.ModuleList([Block(conv, bn, 2 * ch[i], ch[i]) for i in range(levels - 1)])
        self.head = conv(ch[0], classes, 1)

    def forward(self, x):
        skips = []
        for i, blk in enumerate(self.down):
            x = blk(x)
            if i < len(self.down) - 1:
                skips.append(x)
                x = self.pool(x)
        for i in reversed(range(len(self.ups))):
            x = self.dec[i](torch.cat([self.ups[i](x), skips[i]], 1))
        return self.head(x)


def bench(dims, shape, base, levels, warmup, steps, device='cpu'):
    torch.manual_seed(0)
    cuda = device == 'cuda'
    model = UNet(dims, shape[1], base, levels).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    x = torch.randn(*shape, device=device)
    y = torch.rand(shape[0], 2, *shape[2:], device=device)
    loss_fn = nn.BCEWithLogitsLoss()
    times = []
    for i in range(warmup + steps):
        if cuda:
            torch.cuda.synchronize()
        t = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        if cuda:
            torch.cuda.synchronize()
        if i >= warmup:
            times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times), min(times)


if __name__ == '__main__':
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    if len(sys.argv) > 2 and int(sys.argv[2]) > 0:
        torch.set_num_threads(int(sys.argv[2]))
    specs = json.loads(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else [
        {'name': 'unet2d', 'dims': 2, 'shape': [1, 128, 128, 3], 'base': 16, 'levels': 4},
        {'name': 'unet3d', 'dims': 3, 'shape': [1, 24, 64, 64, 3], 'base': 8, 'levels': 3},
    ]
    devices = (sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else 'cpu').split(',')
    out = {'torch': torch.__version__, 'threads': torch.get_num_threads()}
    if 'cuda' in devices:
        if torch.cuda.is_available():
            out['cuda'] = torch.cuda.get_device_name(0)
            torch.backends.cudnn.benchmark = True
        else:
            out['cuda'] = None
            out['cuda_why'] = 'torch.cuda.is_available() is False (torch %s, CUDA build %s)' % (torch.__version__, torch.version.cuda)
            devices = [d for d in devices if d != 'cuda']
    for device in devices:
        prefix = 'cuda_' if device == 'cuda' else ''
        for s in specs:
            shape = [s['shape'][0], s['shape'][-1], *s['shape'][1:-1]]
            warmup, n = (3, steps) if s['dims'] == 2 else (2, max(3, steps // 2))
            med, best = bench(s['dims'], shape, s['base'], s['levels'], warmup, n, device)
            out[prefix + s['name'] + '_ms'] = med
            out[prefix + s['name'] + '_min_ms'] = best
    print(json.dumps(out))
