# make mutate: mutation testing of strict-init, the guard and the lock
# (tests/mutate/run.sh, the mutants in tests/mutate/mutants) and of the
# webhook's security decisions (tests/mutate/webhook-mutants). As root,
# after make; not part of make test (tens of minutes: each mutant is built
# and run against the unit and integration suites, or the webhook's unit
# tests and HTTPS reviews). MUTANTS="NAME ..." runs only these;
# `make mutate-webhook` only the webhook's list; docs/quality.md ("Mutation
# testing") has a full run.

MUTANTS ?=

.PHONY: mutate mutate-webhook
mutate: all $(BUILD)/.deps-test webhook webhook-test-deps
	tests/mutate/run.sh $(MUTANTS)

mutate-webhook: all $(BUILD)/.deps-test webhook webhook-test-deps
	MUTATE_LIST=tests/mutate/webhook-mutants tests/mutate/run.sh $(MUTANTS)

# The tests that pass whatever strict-init decides (always refuse, always
# run unchanged): every test of both, then the names common to both.
.PHONY: mutate-controls
mutate-controls: all $(BUILD)/.deps-test
	MUTATE_LIST=tests/mutate/decisions MUTATE_ALL_TESTS=1 MUTATE_BASELINE=0 tests/mutate/run.sh
