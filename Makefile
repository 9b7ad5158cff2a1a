# mmu-notifier series: see README.md.  Every target is a script in scripts/.
# BASE=6.12 (default: the mainline base, see scripts/lib.sh) picks the series
# and workspace of tree, apply, export, mail, demo, audit, bench, bloat,
# stress, kvm, igt and check-stable; make check runs on every base.
S := scripts
export BASE

.PHONY: help deps tree apply export check demo bench bloat igt check-stable mail audit stress kvm
help:
	@echo "BASE=B        the base to work on: 7.3 (default, patches/) or a"
	@echo "              backport of backports/ (make demo BASE=6.12)"
	@echo "make demo     fetch the base, apply the series, build the UML lockdep"
	@echo "              kernel, run the series' KUnit suite and show the results"
	@echo "make check    the test command: every check on the default base, the"
	@echo "              backports' apply, kunit-um, reports-um, then 'N passed, N failed'"
	@echo "make tree     (re)make the workspace tree work/BASE/linux with the series"
	@echo "make export   regenerate the series from the workspace branch"
	@echo "make apply KERNEL_TREE=/path   apply the series to your own tree"
	@echo "make mail     the series as mail, one set per line of patches/sets,"
	@echo "              in work/BASE/mail (MAIL_DIR=...), from your git identity"
	@echo "make deps     install the Debian packages the project needs"
	@echo "make bench    time reclaim past a busy device: waiting vs keeping vs none;"
	@echo "              and the base against the series, the same reclaim on each,"
	@echo "              timed on UML and counted in instructions on x86_64"
	@echo "make stress   after make check: the stress case, 8 threads for 240 s,"
	@echo "              on the x86_64 KASAN + lockdep kernel with 4 CPUs"
	@echo "make kvm      KVM's selftests, nested under QEMU (SVM), on the series'"
	@echo "              lockdep kernel with KVM: its notifier callbacks under lockdep"
	@echo "make bloat    size cost of the series in a production-like config"
	@echo "make igt      on a machine with an Intel GPU, as root: IGT's userptr"
	@echo "              tests under memory pressure on the series' lockdep kernel"
	@echo "make check-stable   patch 1 on Debian's 6.1 LTS: applies, builds W=1,"
	@echo "              its KUnit case fails without it and passes with it"
	@echo "make audit    may an mmu notifier callback of the tree sleep in the OOM"
	@echo "              reaper? The table, checked against the series' audit-expected"
	@echo "              (default: the check tree; KERNEL_TREE=/path for another)"

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

kvm:
	@$(S)/kvm.sh

stress:
	@STRESS_THREADS=$(or $(STRESS_THREADS),8) \
		STRESS_SECONDS=$(or $(STRESS_SECONDS),240) $(S)/stress.sh

igt:
	@$(S)/igt.sh

check-stable:
	@$(S)/stable.sh

mail:
	@$(S)/mail.sh

audit:
	@$(S)/audit.sh $(KERNEL_TREE)
