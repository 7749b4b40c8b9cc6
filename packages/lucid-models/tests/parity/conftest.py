"""Parity tests of the model zoo: torchvision 0.28 is installed ``--no-deps`` next to the CPU
build of torch, and its compiled ops do not load against that build. An empty
``torchvision._meta_registrations`` module is put in place before any test module imports
torchvision (directly or through timm); the model definitions do not use those ops."""

import sys
import types

sys.modules.setdefault("torchvision._meta_registrations",
                       types.ModuleType("torchvision._meta_registrations"))
