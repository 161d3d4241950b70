"""Shared test settings.

Hypothesis profiles: `default` is quick, for a developer's edit-test loop; `ci` is thorough and
is what `.ci/run` selects with HYPOTHESIS_PROFILE=ci.
"""

import os

from hypothesis import settings

settings.register_profile("default", max_examples=30, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
