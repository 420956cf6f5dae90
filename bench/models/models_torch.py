"""PyTorch side of bench/models: the same five architectures written in plain PyTorch (no smp/MONAI/torchvision
needed), in the bench's configurations, timed at the same input sizes. One JSON line per case; `params` is
sum(p.numel()) and must equal the TF.js count. Usage: python3 models_torch.py unet,resnet50-unet 2,3 3 default|preset"""
import json, os, resource, sys, time

import torch
from torch import nn
import torch.nn.functional as F

SIZE = {2: (128, 128), 3: (24, 160, 128)}
STRIDES_3D = {"unet": [(1, 2, 2), (2, 2, 2), (2, 2, 2), (1, 2, 2)], "regunet": [(1, 2, 2), (2, 2, 2), (2, 2, 2)],
              "resnet50-unet": [(2, 2, 2), (1, 4, 2), (2, 2, 2), (1, 2, 2), (3, 1, 2)]}
STRIDES_3D["attention-unet"] = STRIDES_3D["r2unet"] = STRIDES_3D["unet"]


def ops(d):
    return (nn.Conv2d, nn.BatchNorm2d, nn.ConvTranspose2d, nn.MaxPool2d) if d == 2 else \
        (nn.Conv3d, nn.BatchNorm3d, nn.ConvTranspose3d, nn.MaxPool3d)


class CBR(nn.Sequential):
    def __init__(self, d, cin, cout, k=3, bias=False, stride=1):
        Conv, BN, _, _ = ops(d)
        super().__init__(Conv(cin, cout, k, stride, k // 2, bias=bias), BN(cout), nn.ReLU(inplace=True))


class Recurrent(nn.Module):
    def __init__(self, d, ch, t, bias):
        super().__init__(); self.t, self.f = t, CBR(d, ch, ch, 3, bias)

    def forward(self, x):
        y = self.f(x)
        for _ in range(self.t): y = self.f(x + y)
        return y


class RRCNN(nn.Module):
    def __init__(self, d, cin, cout, t, bias):
        super().__init__(); self.c1 = ops(d)[0](cin, cout, 1); self.r = nn.Sequential(Recurrent(d, cout, t, bias), Recurrent(d, cout, t, bias))

    def forward(self, x):
        x = self.c1(x); return x + self.r(x)


class Gate(nn.Module):
    def __init__(self, d, ch, fint):
        super().__init__(); Conv, BN, _, _ = ops(d)
        self.wg, self.wx = nn.Sequential(Conv(ch, fint, 1), BN(fint)), nn.Sequential(Conv(ch, fint, 1), BN(fint))
        self.psi = nn.Sequential(Conv(fint, 1, 1), BN(1), nn.Sigmoid())

    def forward(self, g, x):
        return x * self.psi(F.relu(self.wg(g) + self.wx(x)))


class UNetFamily(nn.Module):
    def __init__(self, d, cin, cout, ch, strides, bias, decoder, block="double", attention=False, t=2):
        super().__init__(); Conv, BN, ConvT, Pool = ops(d)
        blk = (lambda i, o: nn.Sequential(CBR(d, i, o, 3, bias), CBR(d, o, o, 3, bias))) if block == "double" else \
            (lambda i, o: RRCNN(d, i, o, t, bias))
        self.strides = strides
        self.enc = nn.ModuleList([blk(cin if i == 0 else ch[i - 1], ch[i]) for i in range(len(ch))])
        self.pools = nn.ModuleList([Pool(s, s) for s in strides])
        self.ups, self.gates, self.dec = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        for i in range(len(ch) - 2, -1, -1):
            s = strides[i]
            self.ups.append(nn.Sequential(nn.Upsample(scale_factor=s, mode="nearest"), CBR(d, ch[i + 1], ch[i], 3, bias))
                            if decoder == "upsample" else ConvT(ch[i + 1], ch[i], s, s))
            self.gates.append(Gate(d, ch[i], max(1, ch[i] // 2)) if attention else nn.Identity())
            self.dec.append(blk(2 * ch[i], ch[i]))
        self.head, self.attention = Conv(ch[0], cout, 1), attention

    def forward(self, x):
        skips = []
        for i, b in enumerate(self.enc):
            if i > 0: x = self.pools[i - 1](x)
            x = b(x); skips.append(x)
        for j, (up, gate, dec) in enumerate(zip(self.ups, self.gates, self.dec)):
            u, s = up(x), skips[-2 - j]
            x = dec(torch.cat([gate(u, s) if self.attention else s, u], 1))
        return self.head(x)


class RegUNet(nn.Module):
    def __init__(self, d, cin, cout, c0=16, depth=3, strides=None):
        super().__init__(); Conv, BN, ConvT, Pool = ops(d)
        strides = strides or [2] * depth; ch = [c0 * 2 ** i for i in range(depth + 1)]; self.strides = strides
        res = lambda c: nn.ModuleList([Conv(c, c, 3, 1, 1, bias=False), BN(c), Conv(c, c, 3, 1, 1, bias=False), BN(c)])
        self.blocks = nn.ModuleList([nn.ModuleList([CBR(d, cin if i == 0 else ch[i - 1], ch[i]), res(ch[i])]) for i in range(depth + 1)])
        self.pools = nn.ModuleList([Pool(s, s) for s in strides])
        self.ups = nn.ModuleList([nn.Sequential(ConvT(ch[i + 1], ch[i], strides[i], strides[i], bias=False), BN(ch[i]), nn.ReLU()) for i in range(depth)])
        self.decs = nn.ModuleList([nn.ModuleList([CBR(d, ch[i], ch[i]), res(ch[i])]) for i in range(depth)])
        self.heads = nn.ModuleList([Conv(ch[i], cout, 3, 1, 1) for i in range(depth + 1)])

    @staticmethod
    def run(block, x):
        cbr, (c1, b1, c2, b2) = block; x = cbr(x)
        return F.relu(b2(c2(F.relu(b1(c1(x))))) + x)

    def forward(self, x):
        size, skips = x.shape[2:], []
        for i in range(len(self.pools)):
            x = self.run(self.blocks[i], x); skips.append(x); x = self.pools[i](x)
        x = self.run(self.blocks[-1], x); feats = {len(self.pools): x}
        for i in range(len(self.pools) - 1, -1, -1):
            x = self.run(self.decs[i], self.ups[i](x) + skips[i]); feats[i] = x
        return torch.stack([F.interpolate(self.heads[l](f), size=size, mode="nearest") for l, f in feats.items()]).mean(0)


class Bottleneck(nn.Module):
    def __init__(self, d, cin, planes, stride):
        super().__init__(); Conv, BN, _, _ = ops(d)
        self.conv1, self.bn1 = Conv(cin, planes, 1, bias=False), BN(planes)
        self.conv2, self.bn2 = Conv(planes, planes, 3, stride, 1, bias=False), BN(planes)
        self.conv3, self.bn3 = Conv(planes, planes * 4, 1, bias=False), BN(planes * 4)
        self.down = nn.Sequential(Conv(cin, planes * 4, 1, stride, bias=False), BN(planes * 4)) \
            if stride != 1 and stride != (1,) * d or cin != planes * 4 else None

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x))); y = F.relu(self.bn2(self.conv2(y))); y = self.bn3(self.conv3(y))
        return F.relu(y + (self.down(x) if self.down is not None else x))


class ResNet50UNet(nn.Module):
    def __init__(self, d, cin, cout, strides=None, dec=(256, 128, 64, 32, 16)):
        super().__init__(); Conv, BN, _, Pool = ops(d)
        s = strides or [2] * 5; self.s = s
        self.stem = nn.Sequential(Conv(cin, 64, 7, s[0], 3, bias=False), BN(64), nn.ReLU(inplace=True))
        self.pool = Pool(3, s[1], 1)
        layers, c = [], 64
        for i, (n, planes) in enumerate(zip((3, 4, 6, 3), (64, 128, 256, 512))):
            blocks = []
            for b in range(n):
                blocks.append(Bottleneck(d, c, planes, (1 if i == 0 else s[i + 1]) if b == 0 else 1)); c = planes * 4
            layers.append(nn.Sequential(*blocks))
        self.layers = nn.ModuleList(layers)
        ins, skips = [2048] + list(dec[:-1]), [1024, 512, 256, 64, 0]
        self.dec = nn.ModuleList([nn.Sequential(CBR(d, i + k, o), CBR(d, o, o)) for i, k, o in zip(ins, skips, dec)])
        self.head = Conv(dec[-1], cout, 3, 1, 1)

    def forward(self, x):
        f = [self.stem(x)]; x = self.pool(f[0])
        for l in self.layers: x = l(x); f.append(x)
        x, skips = f[4], [f[3], f[2], f[1], f[0], None]
        for i, blk in enumerate(self.dec):
            x = F.interpolate(x, scale_factor=self.s[4 - i], mode="nearest")
            if skips[i] is not None: x = torch.cat([x, skips[i]], 1)
            x = blk(x)
        return self.head(x)


def build(name, d, config):
    st = STRIDES_3D[name] if d == 3 else None
    if name in ("unet", "attention-unet", "r2unet"):
        ch, bias, dec = ((64, 128, 256, 512, 1024), True, "upsample") if config == "preset" else ((32, 64, 128, 256, 512), False, "transpose")
        return UNetFamily(d, 3, 2, ch, st or [2] * 4, bias, dec, "recurrent" if name == "r2unet" else "double", name == "attention-unet")
    if name == "regunet":
        return RegUNet(d, 3, 2, strides=st)
    return ResNet50UNet(d, 3, 2, strides=st)


def median(xs):
    return sorted(xs)[len(xs) // 2]


if __name__ == "__main__":
    models, dims, reps, config = sys.argv[1].split(","), [int(v) for v in sys.argv[2].split(",")], int(sys.argv[3]), sys.argv[4]
    torch.set_num_threads(os.cpu_count() or 1)
    for name in models:
        for d in dims:
            row = {"model": name, "dims": d, "input": "x".join(map(str, (1, 3) + SIZE[d]))}
            try:
                m = build(name, d, config)
                x = torch.randn(1, 3, *SIZE[d])
                row["params"] = sum(p.numel() for p in m.parameters())
                with torch.no_grad():
                    m.eval(); m(x); f = []
                    for _ in range(reps):
                        t = time.perf_counter(); m(x); f.append((time.perf_counter() - t) * 1000)
                m.train(); m(x).square().mean().backward(); b = []
                for _ in range(reps):
                    t = time.perf_counter(); m.zero_grad(); m(x).square().mean().backward(); b.append((time.perf_counter() - t) * 1000)
                row.update(forwardMs=median(f), trainMs=median(b), peakRssMb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            except Exception as e:  # noqa: BLE001 - report and go on
                row["error"] = str(e).split("\n")[0]
            print(json.dumps(row), flush=True)
