"""Importing spaCy (and packages that import it) without torch.

thinc, under spaCy, imports torch just to see whether it is there; nothing here runs on torch, and a
process that only answers questions (ONNX query encoder) should not pay torch's import and memory.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType


def import_without_torch(name: str) -> ModuleType:
    """``import name``, hiding torch from thinc's import-time probe when torch is not loaded yet."""
    if "torch" in sys.modules:
        return importlib.import_module(name)
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` fail, for this import only
    try:
        return importlib.import_module(name)
    finally:
        del sys.modules["torch"]
