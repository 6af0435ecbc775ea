# Set-up is part of `make run` and `make test`: a fresh machine needs nothing else.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTHON ?= python3

.PHONY: run test lint setup system eval bench tune seed clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# the CPU build of torch first, so that nothing pulls the CUDA one
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

system:
	./scripts/install-system.sh

run: $(STAMP)
	$(BIN)/qa serve

test: $(STAMP) system
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check qa ui eval tests
	$(BIN)/mypy qa

eval: $(STAMP)
	$(BIN)/qa eval --split test --report eval/report/test
	$(BIN)/qa eval --split dev --report eval/report/dev

bench: $(STAMP)
	$(BIN)/python eval/bench.py

tune: $(STAMP)
	$(BIN)/python eval/tune.py
	$(BIN)/python eval/tune_answers.py

# the bundled notices' vectors (data/embeddings/): after a change to chunking or the notices
seed: $(STAMP)
	$(BIN)/python scripts/seed_embeddings.py

clean:
	rm -rf $(VENV) index/builds index/CURRENT
