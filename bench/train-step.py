"""PyTorch reference for bench/train-step: the same two U-Nets, batch 1,
forward + backward + SGD, median and fastest step time after warm-up. Prints one JSON line.
Usage: train-step.py [steps] [threads] (threads: torch.set_num_threads; default torch's own choice).
Needs Debian's torch: apt-get install python3-torch."""
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


def bench(dims, shape, base, levels, warmup, steps):
    torch.manual_seed(0)
    model = UNet(dims, shape[1], base, levels)
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    x = torch.randn(*shape)
    y = torch.rand(shape[0], 2, *shape[2:])
    loss_fn = nn.BCEWithLogitsLoss()
    times = []
    for i in range(warmup + steps):
        t = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        if i >= warmup:
            times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times), min(times)


if __name__ == '__main__':
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    if len(sys.argv) > 2:
        torch.set_num_threads(int(sys.argv[2]))
    m2, b2 = bench(2, (1, 3, 128, 128), 16, 4, 3, steps)
    m3, b3 = bench(3, (1, 3, 24, 64, 64), 8, 3, 2, max(3, steps // 2))
    out = {
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'unet2d_ms': m2, 'unet2d_min_ms': b2,
        'unet3d_ms': m3, 'unet3d_min_ms': b3,
    }
    print(json.dumps(out))
