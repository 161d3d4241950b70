"""nbgrader configuration of the minigrad course (run nbgrader commands from this folder).

Student code is never executed by nbgrader here: autograde's Execute step is replaced by the
trusted run (autograder.nbgrader_plugin.TrustedExecute), which executes each notebook in a
sandboxed process with resource limits and computes every score outside it. See README.md.
"""

import os
import sys

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

here = os.path.dirname(os.path.abspath(__file__))
# nbgrader runs the `alembic` script of its own environment: find it without an activated venv
# (`.venv/bin/nbgrader ...` as the README writes it)
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

c.CourseDirectory.root = here
c.CourseDirectory.course_id = "minigrad"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")

# For `nbgrader validate` and anyone executing notebooks with nbgrader: never wait forever.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# Warnings on stderr must not zero a correct answer (nbgrader scores any stderr output as 0).
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"Warning|WARNING"

# A deleted test cell comes back (and is graded) instead of silently not counting.
c.OverwriteCells.add_missing_cells = True

c.TrustedExecute.timeout = 60.0
c.Autograde.autograde_preprocessors = [
    "autograder.nbgrader_plugin.TrustedExecute",
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
# Feedback never shows hidden tests (the trusted reports in its outputs name no hidden input).
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
