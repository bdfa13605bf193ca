#!/usr/bin/env python3
"""A small but real PyTorch training job for ml-footprint's validation.

A small CNN learns to tell the orientation of noisy sine gratings (4 classes:
0°, 45°, 90°, 135°) in 24x24 images it generates itself — no downloads, seeded,
so two runs with the same flags do the same work.

    /usr/bin/python3 examples/pytorch/train.py [--epochs N] [--samples N]
        [--width N] [--batch-size N] [--lr X] [--seed N]
        [--device cpu|cuda|auto] [--threads N] [--idle-seconds S]

Debian's python3-torch (scripts/install-pytorch.sh) is importable only by
/usr/bin/python3. When ML_FOOTPRINT_METRICS names a file, the work done is
written there as JSON after each epoch and at the end: {"samples", "steps", "epochs",
"epochs_total"} (epochs_total: --full-epochs, for ml-footprint's forecast).
"""

import argparse
import json
import math
import os
import sys
import time

IMAGE_SIDE = 24
CLASSES = 4  # grating orientations 0°, 45°, 90°, 135°
# Pixel noise sd against a grating amplitude of 1: chosen (by trying 1, 1.5, 2, 3)
# so the loss falls over several epochs rather than one; at 3 the model learns nothing.
NOISE_SD = 2.0


def int_at_least(minimum):
    def parse(text):
        try:
            value = int(text, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f'got "{text}", expected an integer >= {minimum}')
        if value < minimum:
            raise argparse.ArgumentTypeError(f'got "{text}", expected an integer >= {minimum}')
        return value

    return parse


def number(minimum, exclusive):
    accepted = f"a number {'>' if exclusive else '>='} {minimum}"

    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f'got "{text}", expected {accepted}')
        if not math.isfinite(value) or value < minimum or (exclusive and value == minimum):
            raise argparse.ArgumentTypeError(f'got "{text}", expected {accepted}')
        return value

    return parse


def parse_flags(argv):
    p = argparse.ArgumentParser(prog="train.py", description="Seeded CNN on generated gratings.")
    # Defaults: ~10-15 s on a 2-vCPU runner with Debian's CPU build (see examples/README.md).
    p.add_argument("--epochs", type=int_at_least(1), default=8, help="passes over the dataset (default 8)")
    p.add_argument("--full-epochs", type=int_at_least(1), default=8,
                   help="epochs of the full training recipe; ml-footprint projects it when --epochs is fewer (default 8)")
    p.add_argument("--samples", type=int_at_least(CLASSES), default=4096, help="generated images (default 4096)")
    p.add_argument("--width", type=int_at_least(1), default=16, help="channels of the first conv layer (default 16)")
    p.add_argument("--batch-size", type=int_at_least(1), default=64, help="images per optimizer step (default 64)")
    p.add_argument("--lr", type=number(0, True), default=0.001, help="Adam learning rate (default 0.001)")
    p.add_argument("--seed", type=int_at_least(0), default=42, help="seed for data, init and shuffling (default 42)")
    p.add_argument("--device", choices=["cpu", "cuda", "auto"], default="cpu", help="auto = cuda when available (default cpu)")
    p.add_argument("--threads", type=int_at_least(0), default=0, help="torch CPU threads, 0 = torch's default")
    p.add_argument("--idle-seconds", type=number(0, False), default=0.0, help="sleep before training (default 0)")
    return p.parse_args(argv)


def make_gratings(torch, n, generator):
    """n images of a sine grating at one of 4 orientations, random frequency and phase, plus noise."""
    labels = torch.arange(n) % CLASSES
    angle = labels.float() * (math.pi / CLASSES)
    freq = 0.25 + 0.35 * torch.rand(n, generator=generator)  # radians per pixel
    phase = 2 * math.pi * torch.rand(n, generator=generator)
    coords = torch.arange(IMAGE_SIDE, dtype=torch.float32) - IMAGE_SIDE / 2
    yy, xx = torch.meshgrid(coords, coords, indexing="ij")
    proj = xx[None] * torch.cos(angle)[:, None, None] + yy[None] * torch.sin(angle)[:, None, None]
    images = torch.sin(freq[:, None, None] * proj + phase[:, None, None])
    images = images + NOISE_SD * torch.randn(images.shape, generator=generator)
    return images[:, None], labels


def build_model(torch, width):
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, width, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),  # 24 -> 12
        nn.Conv2d(width, 2 * width, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),  # 12 -> 6
        nn.Flatten(),
        nn.Linear(2 * width * 6 * 6, 64),
        nn.ReLU(),
        nn.Linear(64, CLASSES),
    )


def write_metrics(path, metrics):
    # Write then rename so a reader never sees half a file.
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(json.dumps(metrics) + "\n")
    os.replace(tmp, path)


def main(argv):
    flags = parse_flags(argv)
    try:
        import torch
    except ImportError:
        print(
            f"train.py: cannot import torch with {sys.executable}; run scripts/install-pytorch.sh "
            "and start this script with /usr/bin/python3",
            file=sys.stderr,
        )
        return 3

    if flags.device == "cuda" and not torch.cuda.is_available():
        print("train.py: --device cuda: CUDA is not available to this torch build; use cpu or auto", file=sys.stderr)
        return 2
    if flags.device == "auto":
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    else:
        device = torch.device(flags.device)
    if flags.threads > 0:
        torch.set_num_threads(flags.threads)

    if flags.idle_seconds > 0:
        print(f"idle {flags.idle_seconds:g} s before training", flush=True)
        time.sleep(flags.idle_seconds)

    torch.manual_seed(flags.seed)
    gen = torch.Generator().manual_seed(flags.seed)
    xs, ys = make_gratings(torch, flags.samples, gen)
    test_xs, test_ys = make_gratings(torch, max(CLASSES, flags.samples // 4), torch.Generator().manual_seed(flags.seed + 1_000_003))
    xs, ys = xs.to(device), ys.to(device)
    model = build_model(torch, flags.width).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=flags.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    steps_per_epoch = math.ceil(flags.samples / flags.batch_size)
    print(
        f"torch {torch.__version__} device={device} threads={torch.get_num_threads()} samples={flags.samples} "
        f"width={flags.width} batch={flags.batch_size} epochs={flags.epochs} steps/epoch={steps_per_epoch}",
        flush=True,
    )

    steps = 0
    last_loss = float("nan")
    started = time.perf_counter()
    for epoch in range(1, flags.epochs + 1):
        epoch_start = time.perf_counter()
        model.train()
        order = torch.randperm(flags.samples, generator=gen).to(device)
        loss_sum = torch.zeros((), device=device)
        for start in range(0, flags.samples, flags.batch_size):
            idx = order[start : start + flags.batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xs[idx]), ys[idx])
            loss.backward()
            optimizer.step()
            # Accumulate on the device: one sync per epoch, not per step.
            loss_sum += loss.detach() * idx.numel()
            steps += 1
        last_loss = loss_sum.item() / flags.samples
        print(f"epoch {epoch}/{flags.epochs} loss={last_loss:.4f} time={time.perf_counter() - epoch_start:.2f}s", flush=True)
        # Epoch progress for ml-footprint's forecast: epochs done and the full recipe's epochs (README: forecast).
        if os.environ.get("ML_FOOTPRINT_METRICS"):
            write_metrics(os.environ["ML_FOOTPRINT_METRICS"], {"samples": epoch * flags.samples, "steps": steps,
                                                               "epochs": epoch, "epochs_total": flags.full_epochs})

    model.eval()
    with torch.no_grad():
        train_acc = (model(xs).argmax(1) == ys).float().mean().item()
        test_acc = (model(test_xs.to(device)).argmax(1) == test_ys.to(device)).float().mean().item()
    print(
        f"done: final loss={last_loss:.4f} train accuracy={train_acc * 100:.1f}% held-out accuracy={test_acc * 100:.1f}% "
        f"steps={steps} samples seen={flags.epochs * flags.samples} training time={time.perf_counter() - started:.2f}s",
        flush=True,
    )

    metrics_path = os.environ.get("ML_FOOTPRINT_METRICS")
    if metrics_path:
        write_metrics(metrics_path, {"samples": flags.epochs * flags.samples, "steps": steps, "epochs": flags.epochs,
                                     "epochs_total": flags.full_epochs})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
