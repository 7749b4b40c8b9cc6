"""Lucid's one entry point: ``nox -s tests``, ``parity``, ``lint``, ``bench``, ``demo``, ``zoo``.

Every session builds a fresh virtual environment and installs the packages under
``packages/`` into it as wheels (so the ``lucid`` namespace is tested as users get it).
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

ROOT = Path(__file__).parent
# Dependency order: core first, then what depends on it.
PACKAGES = ["lucid-core", "lucid-backend-numpy", "lucid-backend-meta", "lucid-backend-mlx",
            "lucid-backend-arrayapi",
            "lucid-nn", "lucid-optim", "lucid-data", "lucid-models", "lucid-train",
            "lucid-distributed"]
TORCH = "torch==2.13.0"  # the CPU build, for parity tests and benchmarks
# Independent references for parity tests (torchvision/timm without their heavy deps).
REFERENCES_NO_DEPS = ["torchvision==0.28.0", "timm==1.0.31"]
REFERENCES = ["pillow", "pyyaml", "huggingface_hub", "einops", "fvcore", "thop", "scipy",
              "pycocotools"]
# What the unit tests themselves use besides Lucid (property-based tests, graph pictures).
TEST_EXTRAS = ["tqdm", "matplotlib", "hypothesis", "networkx", "einops", "mpi4py", "mpich",
               "array-api-strict"]
nox.options.sessions = ["lint", "packaging", "tests", "conformance_arrayapi"]
nox.options.reuse_existing_virtualenvs = False


def existing_packages() -> list[str]:
    return [f"packages/{p}" for p in PACKAGES if (ROOT / "packages" / p).is_dir()]


def install_lucid(session: nox.Session, *extra: str, mlx: bool = True) -> None:
    packages = [p for p in existing_packages() if mlx or not p.endswith("mlx")]
    mlx_extra = ["mlx[cpu]"] if mlx and any(p.endswith("mlx") for p in packages) else []
    session.install(*packages, *mlx_extra, "pytest", "safetensors", *extra)


def test_dirs(kind: str) -> list[str]:
    found = []
    for pkg in existing_packages():
        tests = ROOT / pkg / "tests"
        if kind == "unit" and tests.is_dir():
            found.append(str(tests.relative_to(ROOT)))
        if kind == "parity" and (tests / "parity").is_dir():
            found.append(str((tests / "parity").relative_to(ROOT)))
    if kind == "unit" and (ROOT / "tests").is_dir():  # repository-wide: READMEs, docs
        found.append("tests")
    return found


@nox.session
@nox.parametrize("backend", ["numpy", "mlx"])
def tests(session: nox.Session, backend: str) -> None:
    """Every package's tests (unit and parity against PyTorch CPU and the other references)
    and the conformance suite, with ``backend`` serving ``cpu``."""
    install_references(session)
    env = {"LUCID_BACKEND": backend, "MPLBACKEND": "Agg"}
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                *test_dirs("unit"), *session.posargs, env=env)
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--pyargs",
                "lucid.testing", env=env)


@nox.session
@nox.parametrize("target", ["array_api_strict", "jax", "minimal"])
def conformance_arrayapi(session: nox.Session, target: str) -> None:
    """The whole conformance suite on the generic Array-API backend (``array_api_strict``:
    the standard and nothing more; JAX on the CPU, about 6 minutes as it compiles every op
    for every new shape) and on the minimal example backend of
    ``docs/writing-a-backend.md`` (``docs/examples/minimal-backend``: only the required
    kernels)."""
    extra = {"array_api_strict": ["array-api-strict"], "jax": ["jax"],
             "minimal": ["docs/examples/minimal-backend"]}[target]
    install_lucid(session, *extra, mlx=False)
    env = {"LUCID_BACKEND": "minimal" if target == "minimal" else "arrayapi",
           "LUCID_ARRAYAPI_NAMESPACE": target}
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--pyargs",
                "lucid.testing", *session.posargs, env=env)


@nox.session
@nox.parametrize("backend", ["numpy", "mlx"])
def parity(session: nox.Session, backend: str) -> None:
    """Only the parity tests (ops, layers, optimizers, schedulers and models against
    PyTorch CPU and the other references), with ``backend`` serving ``cpu``; ``tests``
    runs them too."""
    install_references(session)
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                *test_dirs("parity"), *session.posargs, env={"LUCID_BACKEND": backend})


def install_references(session: nox.Session) -> None:
    """Lucid, PyTorch CPU and the independent references the parity tests compare against."""
    install_lucid(session, TORCH, *TEST_EXTRAS)
    session.install("--no-deps", *REFERENCES_NO_DEPS)
    session.install(*REFERENCES)


@nox.session
@nox.parametrize("backend", ["numpy", "mlx"])
def zoo(session: nox.Session, backend: str) -> None:
    """Every zoo model end to end (tests marked ``zoo``: forward+backward of every
    registered model, parity of every model that has a torchvision/timm counterpart).
    Not part of CI, which runs a representative subset."""
    install_references(session)
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "zoo",
                "--run-zoo", "packages/lucid-models/tests", *session.posargs,
                env={"LUCID_BACKEND": backend})


SMOKE = ("import lucid, lucid_backend_numpy; x = lucid.tensor([1.0, 2.0], requires_grad=True); "
         "(x * x).sum().backward(); assert x.grad.tolist() == [2.0, 4.0]; "
         "assert lucid.backends.binding()['cpu'] == 'numpy'; print('lucid', lucid.__version__, "
         "'ok from', lucid.__file__)")


@nox.session
@nox.parametrize("mode", ["wheel", "editable"])
def packaging(session: nox.Session, mode: str) -> None:
    """``import lucid`` works with only lucid-core and lucid-backend-numpy installed."""
    flag = ["-e"] if mode == "editable" else []
    session.install(*flag, "packages/lucid-core", *flag, "packages/lucid-backend-numpy")
    session.run("python", "-c", SMOKE)
    # The namespace stays open: a sibling distribution extends ``lucid`` after the fact.
    if (ROOT / "packages/lucid-optim").is_dir():
        session.install(*flag, "packages/lucid-optim")
        session.run("python", "-c", "import lucid.optim, lucid; print(lucid.optim.__file__)")


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff over the whole repository."""
    session.install("ruff")
    session.run("ruff", "check", ".")


@nox.session
def bench(session: nox.Session) -> None:
    """Speed side by side with PyTorch CPU (and raw MLX), printed as ratios."""
    install_lucid(session, TORCH, "tqdm", "matplotlib")
    scripts = session.posargs or sorted(str(p) for p in (ROOT / "bench").glob("bench_*.py"))
    for script in scripts:
        session.run("python", script)


def sources_key(*extra: str) -> str:
    """A digest of every file's path, size and mtime under the packages (and ``extra``):
    it changes whenever a package's source does."""
    import hashlib

    digest = hashlib.sha256("|".join(extra).encode())
    for pkg in existing_packages():
        for path in sorted((ROOT / pkg).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and "tests" not in path.parts:
                st = path.stat()
                digest.update(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()


@nox.session(reuse_venv=True)
def demo(session: nox.Session) -> None:
    """Train LeNet-5 on Fashion-MNIST (``nox -s demo -- --help`` lists the options).

    The one session that keeps its virtual environment between runs: the packages are
    reinstalled only when their sources changed (or ``LUCID_DEMO_MLX=1`` adds MLX). When the
    dataset is missing, the Debian package is installed where possible (root or sudo without
    a password), else the demo downloads it (``examples/demo_dataset.py``)."""
    import sys

    sys.path.insert(0, str(ROOT / "examples"))
    from demo_dataset import ensure_dataset

    mlx = os.environ.get("LUCID_DEMO_MLX") == "1"
    stamp = Path(session.virtualenv.location) / "lucid-demo-sources.sha256"
    key = sources_key(f"mlx={mlx}")
    if stamp.is_file() and stamp.read_text() == key:
        session.log("demo environment up to date: packages unchanged, nothing to install")
    else:
        install_lucid(session, mlx=mlx)
        stamp.write_text(key)
    args = ensure_dataset(list(session.posargs), log=session.log)
    session.run("lucid-train", *args, env={"MPLBACKEND": "Agg"})
