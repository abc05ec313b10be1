# grantflow — the two set-up commands of the README, plus the pieces they are made of.
.PHONY: run test install lint-bpmn bench bench-quick

run:            ## install, load demo data into SQLite, serve on http://127.0.0.1:5000
	bash scripts/run.sh

test:           ## install everything (system packages too) and run the whole test suite
	bash scripts/test.sh

install:
	bash scripts/install.sh

lint-bpmn:
	npx --no-install bpmnlint bpmn/kechuang_project.bpmn bpmn/expert_team_grant.bpmn

bench:
	.venv/bin/python bench/engine.py
	.venv/bin/python bench/timers.py
	.venv/bin/python bench/pdf.py
	.venv/bin/python bench/selection.py
	.venv/bin/python bench/inbox.py
	.venv/bin/python bench/load.py
	.venv/bin/python bench/http_mix.py

bench-quick:    ## every benchmark in seconds (CI runs this: a benchmark that crashes or prints no ratio fails)
	bash scripts/bench_quick.sh
