# Samverkan: run `make help` for the verbs.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV := var/tools/bin/uv
export UV_CACHE_DIR := $(CURDIR)/var/cache/uv

.PHONY: help bootstrap up down status clean test lint typecheck unit integration schemas bench bench-quick

help: ## show the verbs
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

bootstrap: ## install uv, the Java runtime, system packages when missing, Python dependencies
	@deploy/local/bootstrap.sh

up: bootstrap ## start the whole platform locally (PostgreSQL, Kafka, Keycloak, the services) and print where to look
	@deploy/local/stack.sh up

down: ## stop everything `make up` started
	@deploy/local/stack.sh down

status: ## show which servers are up
	@deploy/local/stack.sh status

clean: ## stop everything and remove all local state and logs (keeps downloads in var/cache)
	@deploy/local/stack.sh clean

lint: bootstrap ## ruff lint and format check
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .

typecheck: bootstrap ## mypy --strict over contracts, services and tests
	$(UV) run --no-sync mypy

unit: bootstrap ## fast tests without servers
	$(UV) run --no-sync pytest tests/unit tests/contract -q

test: bootstrap lint typecheck ## lint, type-check and run every test against the real servers (started if down; stops make up's services)
	@deploy/local/stack.sh servers
	@deploy/local/services.sh stop >/dev/null  # tests run their own service instances
	$(UV) run --no-sync pytest -q

schemas: bootstrap ## regenerate JSON Schemas, the AsyncAPI document and deploy/kafka/topics.yaml from contracts
	$(UV) run --no-sync python -m samverkan_contracts.generate

bench: bootstrap ## measure the platform against raw baselines on the local stack (about 8 min): table, JSON in var/bench
	@deploy/local/stack.sh servers
	@deploy/local/services.sh stop >/dev/null  # the benchmark runs its own service instances
	$(UV) run --no-sync python -m bench

bench-quick: bootstrap ## the same figures from a short run (about 2 min)
	@deploy/local/stack.sh servers
	@deploy/local/services.sh stop >/dev/null  # the benchmark runs its own service instances
	$(UV) run --no-sync python -m bench --quick
