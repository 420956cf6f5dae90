"""PyTorch side of bench/models: times the models that installed libraries provide (segmentation_models_pytorch for
the ResNet50 U-Net, MONAI for U-Net / Attention U-Net / RegUNet) at the same input sizes. One JSON line per case.
Usage: python3 models_torch.py unet,resnet50-unet 2,3 3 default"""
import json, resource, sys, time

import torch

models, dims, reps = sys.argv[1].split(","), [int(d) for d in sys.argv[2].split(",")], int(sys.argv[3])
SIZE = {2: (128, 128), 3: (24, 160, 128)}


def build(name, d):
    if name == "resnet50-unet" and d == 2:
        import segmentation_models_pytorch as smp
        return smp.Unet("resnet50", encoder_weights=None, in_channels=3, classes=2)
    from monai.networks import nets
    if name == "unet":
        return nets.UNet(d, 3, 2, (32, 64, 128, 256, 512), (2, 2, 2, 2), num_res_units=0)
    if name == "attention-unet":
        return nets.AttentionUnet(d, 3, 2, (32, 64, 128, 256, 512), (2, 2, 2, 2))
    if name == "regunet":
        return nets.RegUNet(d, 3, 16, 3, out_channels=2, extract_levels=(0, 1, 2, 3))
    raise ImportError(f"no PyTorch library provides {name} in {d}-D here")


def median(xs):
    return sorted(xs)[len(xs) // 2]


for name in models:
    for d in dims:
        row = {"model": name, "dims": d, "input": "x".join(map(str, (1, 3) + SIZE[d]))}
        try:
            m = build(name, d)
            x = torch.randn(1, 3, *SIZE[d])
            row["params"] = sum(p.numel() for p in m.parameters())
            with torch.no_grad():
                m.eval(); m(x)
                f = []
                for _ in range(reps):
                    t = time.perf_counter(); m(x); f.append((time.perf_counter() - t) * 1000)
            m.train(); m(x).square().mean().backward()
            b = []
            for _ in range(reps):
                t = time.perf_counter(); m.zero_grad(); m(x).square().mean().backward(); b.append((time.perf_counter() - t) * 1000)
            row.update(forwardMs=median(f), trainMs=median(b),
                       peakRssMb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        except Exception as e:  # noqa: BLE001 - report and go on
            row["error"] = str(e).split("\n")[0]
        print(json.dumps(row), flush=True)
