"""Use cases: one function per action, each owning its transaction.

Importing the package registers every domain module's task hooks, so completing a task
always runs its context, before and after hooks whichever module the caller imported.
"""
from . import grants, projects, ranking  # noqa: F401  (registers TASK_HOOKS / END_HOOKS)
