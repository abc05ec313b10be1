"""Use cases, grouped: ``shared/`` (the machinery every process uses: unit of work, errors,
access, definitions, projections), ``steps/`` (the Step catalogue and running a step),
``kechuang/`` and ``grant/`` (one folder per process: its steps and its use cases),
``documents/`` (PDFs, uploads, exports), ``background/`` (timers, reminders, jobs) and
``reading/`` (inbox and instance pages). docs/architecture.md says where new code goes."""
