"""The demo's dataset step: install the Debian package where possible, else download.

Called by the ``demo`` nox session (standard library only: it runs in nox's interpreter,
before the demo's environment exists). For the data set the demo will train on:

1. its files are already in ``/usr/share/datasets/<name>``, or the user chose a source
   (``--data-root``, ``--download``), or only asked for ``--help``: nothing to do;
2. the Debian package exists for it (``dataset-fashion-mnist``) and ``apt-get`` can run as
   root, or through ``sudo`` without a password (``sudo -n``): install it;
3. otherwise add ``--download`` (the files go to Lucid's download cache).

Each case prints one line saying which one happened.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

SYSTEM_DIR = Path("/usr/share/datasets")
DEBIAN_PACKAGES = {"fashion-mnist": "dataset-fashion-mnist"}


def chosen_dataset(args: list[str]) -> str:
    """The ``--dataset`` value in ``args`` (default ``fashion-mnist``)."""
    for i, arg in enumerate(args):
        if arg == "--dataset" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--dataset="):
            return arg.split("=", 1)[1]
    return "fashion-mnist"


def apt_prefix() -> tuple[list[str] | None, str]:
    """``(command prefix, how)`` to run apt-get with root rights, or ``(None, why not)``."""
    if shutil.which("apt-get") is None:
        return None, "no apt-get on this machine"
    if os.geteuid() == 0:
        return [], "as root"
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True,
                                               check=False).returncode == 0:
        return ["sudo", "-n"], "with sudo"
    return None, "not root and sudo needs a password"


def apt_install(package: str, prefix: list[str]) -> bool:
    """``apt-get install -y package`` (after ``apt-get update`` if the first try fails)."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = [*prefix, "apt-get", "install", "-y", "-q", package]
    if subprocess.run(install, env=env, check=False).returncode == 0:
        return True
    subprocess.run([*prefix, "apt-get", "update", "-q"], env=env, check=False)
    return subprocess.run(install, env=env, check=False).returncode == 0


def ensure_dataset(args: list[str], log=print) -> list[str]:
    """The demo's arguments, with ``--download`` added when the files must be downloaded."""
    if {"-h", "--help", "--download"} & set(args) or any(
            a == "--data-root" or a.startswith("--data-root=") for a in args):
        return args
    name = chosen_dataset(args)
    folder = SYSTEM_DIR / name
    if folder.is_dir() and any(folder.iterdir()):
        log(f"dataset: {name} found in {folder}")
        return args
    package = DEBIAN_PACKAGES.get(name)
    if package is None:
        log(f"dataset: {name} is not in {folder} and has no Debian package; downloading it "
            "(--download)")
        return [*args, "--download"]
    prefix, how = apt_prefix()
    if prefix is not None:
        log(f"dataset: {name} missing; installing the Debian package {package} ({how})")
        if apt_install(package, prefix) and folder.is_dir():
            return args
        log(f"dataset: apt-get could not install {package}; downloading instead (--download)")
        return [*args, "--download"]
    log(f"dataset: {name} missing and the Debian package {package} cannot be installed "
        f"({how}); downloading it instead (--download)")
    return [*args, "--download"]
