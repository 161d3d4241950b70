"""Checks for the minigrad exercises and the grading command line around nbgrader."""
