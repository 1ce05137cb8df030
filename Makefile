# factsheets — the README's commands. Only python3, pip and make are assumed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Reproducible builds: the sitemap and archives take their dates from here, not the clock.
export SOURCE_DATE_EPOCH ?= 1750896000
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: help install validate site serve test bundle bench clean schema changes fmt fmt-check

help:
	@echo "make site    build site/ from content/ (creates $(VENV) first)"
	@echo "make serve   preview at http://127.0.0.1:8000 with live reload"
	@echo "make test    run every test"
	@echo "make bundle  write the offline zip under dist/"
	@echo "make bench   time validate, generate and build on synthetic content"
	@echo "make schema  regenerate schema/<type>.schema.json from the model (editor support)"
	@echo "make fmt     rewrite content/ into the canonical layout (make fmt-check: only list)"
	@echo "make changes fact-level summary of your changes (BASE=origin/main to compare with it)"

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	@touch $@

install: $(STAMP)

validate: $(STAMP)
	$(BIN)/factsheet validate content $(if $(FORMAT),--format $(FORMAT))

# Built beside site/ and swapped in only on success: a failed build (a strict warning, a crash,
# Ctrl-C) leaves the previous site/ whole. --dirty with FACTSHEETS_PREVIOUS_SITE: the files of
# site/ that would be written the same are hard-linked into .site.new/, not made again (the
# result is a clean build's, file for file; see generator/sitedir.py).
site: validate
	@rm -rf .site.new .site.old
	FACTSHEETS_PREVIOUS_SITE=site $(BIN)/mkdocs build --strict --dirty --site-dir .site.new \
	  || { rm -rf .site.new; exit 1; }
	@if [ -e site ]; then mv site .site.old; fi; mv .site.new site; rm -rf .site.old

serve: $(STAMP)
	$(BIN)/mkdocs serve --livereload --strict --dirty

test: $(STAMP)
	$(BIN)/python -m pytest

bundle: validate
	$(BIN)/python -m generator.bundle

bench: $(STAMP)
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/editors_bench.py

fmt: $(STAMP)
	$(BIN)/factsheet fmt content

fmt-check: $(STAMP)
	$(BIN)/factsheet fmt --check content

schema: $(STAMP)
	$(BIN)/factsheet schema --out schema

changes: $(STAMP)
	@$(BIN)/factsheet changes $(BASE)

clean:
	rm -rf site .site.new .site.old dist .pytest_cache .hypothesis
