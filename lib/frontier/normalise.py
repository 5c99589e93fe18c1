"""Name normalisation (hardware, framework and model aliases, flags, topology labels): the names live in
``frontier.load.normalise``, next to the loader step that applies them; they are importable from here too."""

from __future__ import annotations

from .load.normalise import (
    FALSE_STRINGS,
    FRAMEWORK_ALIASES,
    HW_ALIASES,
    HW_SUFFIX_FRAMEWORK,
    MODEL_DISPLAY_NAMES,
    MODEL_KEYS,
    MODEL_PATH_PATTERNS,
    SYNTHETIC_SUFFIX,
    TRUE_STRINGS,
    bool_expr,
    framework_expr,
    gpu_count_expr,
    hardware_expr,
    hw_suffix_framework_expr,
    model_key_expr,
    model_key_for,
    spec_method_expr,
    topology_label_expr,
)

__all__ = [
    "FALSE_STRINGS",
    "FRAMEWORK_ALIASES",
    "HW_ALIASES",
    "HW_SUFFIX_FRAMEWORK",
    "MODEL_DISPLAY_NAMES",
    "MODEL_KEYS",
    "MODEL_PATH_PATTERNS",
    "SYNTHETIC_SUFFIX",
    "TRUE_STRINGS",
    "bool_expr",
    "framework_expr",
    "gpu_count_expr",
    "hardware_expr",
    "hw_suffix_framework_expr",
    "model_key_expr",
    "model_key_for",
    "spec_method_expr",
    "topology_label_expr",
]
