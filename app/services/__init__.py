"""Use cases, grouped: ``shared/`` (the machinery every process uses: unit of work, errors,
access, definitions, projections), ``steps/`` (the Step catalogue and running a step),
``kechuang/`` and ``grant/`` (one folder per process: its steps and its use cases),
``documents/`` (PDFs, uploads, exports), ``background/`` (timers, reminders, jobs) and
``reading/`` (inbox and instance pages). docs/architecture.md says where new code goes."""
from .grant import applications, ranking  # noqa: F401,E402  (registers TASK_HOOKS / END_HOOKS)
from .kechuang import projects  # noqa: F401,E402
