#!/usr/bin/env bash
# Installs PyTorch (CPU build) from Debian's own packages for examples/pytorch/train.py.
# Opt-in only: the README's first command never runs this (the package pulls in
# several hundred MB of BLAS/MKL-free dependencies).
#
# Debian's python3-torch installs into /usr/lib/python3/dist-packages, which only
# the system interpreter /usr/bin/python3 sees — not a pyenv/venv python3 that
# may come first on PATH. Run the example with /usr/bin/python3.
set -euo pipefail

if /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then
  echo "install-pytorch: torch already importable by /usr/bin/python3 ($(/usr/bin/python3 -c 'import torch; print(torch.__version__)'))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-pytorch: apt-get not found; this script supports Debian/Ubuntu only." >&2
  echo "install-pytorch: elsewhere install PyTorch yourself (https://pytorch.org/get-started/locally/)." >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-pytorch: must run as root or with sudo available." >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends python3-torch

/usr/bin/python3 -c 'import torch; print("install-pytorch: torch", torch.__version__, "ok for /usr/bin/python3")'
