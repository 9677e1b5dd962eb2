"""Hypothesis settings for the whole suite.

Locally every run draws new examples (that is how 0.25265 and 832349.5 were found). CI
(`.ci/run` sets FLASHDL_HYPOTHESIS_PROFILE=ci) draws the same examples every run: a
property that fails there fails on every re-run, and a green run is not luck.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("FLASHDL_HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["FLASHDL_HYPOTHESIS_PROFILE"])
