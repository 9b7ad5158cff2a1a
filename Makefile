# mmu-notifier series: see README.md.  Every target is a script in scripts/.
S := scripts

.PHONY: help deps tree apply export check demo bench bloat
help:
	@echo "make demo     fetch the base, apply the series, build the UML lockdep"
	@echo "              kernel, run the series' KUnit suite and show the results"
	@echo "make check    the test command: every check, then 'N passed, N failed'"
	@echo "make tree     (re)make the workspace tree work/linux with the series"
	@echo "make export   regenerate patches/ from the workspace branch"
	@echo "make apply KERNEL_TREE=/path   apply the series to your own tree"
	@echo "make deps     install the Debian packages the project needs"
	@echo "make bench    time reclaim with a waiting vs a declining subscriber"
	@echo "make bloat    size cost of the series in a production-like config"

deps:
	@$(S)/deps.sh

tree:
	@$(S)/tree.sh

apply:
	@test -n "$(KERNEL_TREE)" || { echo "usage: make apply KERNEL_TREE=/path/to/linux [BRANCH=name]" >&2; exit 2; }
	@$(S)/apply.sh "$(KERNEL_TREE)" HEAD "$(or $(BRANCH),mmu-notifier-series)"

export:
	@$(S)/export.sh

check:
	@$(S)/check.sh

demo:
	@$(S)/demo.sh

bench:
	@$(S)/bench.sh

bloat:
	@$(S)/bloat.sh
