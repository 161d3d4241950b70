"""nbgrader's autograde step, with execution replaced by the trusted run.

``nbgrader_config.py`` puts :class:`TrustedExecute` where nbgrader's ``Execute`` was. nbgrader
still does everything else (restoring locked and test cells, re-adding deleted ones, the
gradebook, late penalties, feedback), but the notebook is never executed in nbgrader's own
process or kernel: its outputs, and the test cells' scores, come from the trusted results
(computed in parallel by ``python -m autograder grade``, or here, one by one, when missing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float

from . import results
from .limits import make_private


class TrustedExecute(NbGraderPreprocessor):
    timeout = Float(60.0, help="Seconds one submission may take in the sandbox").tag(config=True)

    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        from .trusted import digest, grade_notebook

        info = resources["nbgrader"]
        student, assignment, notebook = info["student"], info["assignment"], info["notebook"]
        course = Path(CourseDirectory(config=self.config).root)
        submitted = course / "submitted" / student / assignment / f"{notebook}.ipynb"
        path = results.result_path(course, student, assignment, notebook)
        result = results.load(path, digest(submitted)) if submitted.exists() else None
        if result is None:
            make_private(course)
            self.log.info("Trusted run of %s/%s/%s", student, assignment, notebook)
            master = course / "source" / assignment / f"{notebook}.ipynb"
            result = grade_notebook(
                submitted, master, student, assignment, timeout=self.timeout
            ).to_json()
            results.save(path, result)
        return results.apply(nb, result), resources
