// SPDX-License-Identifier: GPL-2.0
/*
 * The init of scripts/fault.sh's initramfs: let failslab fail the GFP_KERNEL
 * allocations that the mmu_notifier_fault KUnit suite aims current->fail_nth
 * at, run the suite through debugfs, ask kmemleak what it left behind, copy
 * the suite's KTAP and kmemleak's report into the kernel log, say whether
 * lockdep is still on, and reboot, which ends QEMU.
 */
#define INIT "fault-init"
#include "../init.h"
#include <stdlib.h>

#define DEBUGFS		"/sys/kernel/debug"
#define KMEMLEAK	DEBUGFS "/kmemleak"
#define SUITE		DEBUGFS "/kunit/mmu_notifier_fault"
/* kmemleak reports no object younger than MSECS_MIN_AGE (mm/kmemleak.c): 5 s. */
#define MIN_AGE_S	6

/* Copy PATH into the kernel log, line by line; the bytes copied, or -1. */
static long copy(const char *path, const char *prefix, int *objects)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	long bytes = 0;
	ssize_t n;

	if (!f) {
		say(INIT, "cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		bytes += n;
		if (objects && !strncmp(line, "unreferenced object", 19))
			(*objects)++;
		say(prefix, "%s", line);
	}
	free(line);
	fclose(f);
	return bytes;
}

int main(void)
{
	int objects = 0, cleared;
	long bytes;

	mnt("proc", "/proc");
	mnt("sysfs", "/sys");
	mnt("devtmpfs", "/dev");
	mnt("debugfs", DEBUGFS);
	open_kmsg();

	/* Reports come from our scans only, at the times chosen below. */
	put(KMEMLEAK, "scan=off");
	/*
	 * failslab ignores allocations that may reclaim unless told otherwise
	 * (mm/failslab.c).  The probability stays 0: should_fail_ex() fails
	 * the fail_nth-th call before it looks at it (lib/fault-inject.c).
	 * verbose 0: a forced failure prints nothing.  cache-filter: only the
	 * caches booted with slab_debug=A (kmalloc's) may fail, so that the
	 * fail_nth count is not spent on, nor fails, kmemleak's own
	 * allocation of its metadata for each object.
	 */
	put(DEBUGFS "/failslab/ignore-gfp-wait", "N");
	put(DEBUGFS "/failslab/verbose", "0");
	put(DEBUGFS "/failslab/cache-filter", "Y");

	/*
	 * "clear" greys only what a scan has already reported
	 * (kmemleak_clear()), and a scan reports only objects older than the
	 * minimum age: wait, scan, clear, and no boot object is blamed on
	 * the suite.
	 */
	sleep(MIN_AGE_S);
	cleared = put(KMEMLEAK, "scan") && put(KMEMLEAK, "clear");

	/* The write returns when the whole suite has run (debugfs_run()). */
	say(INIT, "running the mmu_notifier_fault suite\n");
	if (put(SUITE "/run", "1"))
		copy(SUITE "/results", "fault-ktap", NULL);

	/*
	 * Twice, as Documentation/dev-tools/kmemleak.rst does: an object
	 * that only looked unreferenced in the first scan (its pointer in a
	 * register) is not listed after the second.
	 */
	sleep(MIN_AGE_S);
	if (cleared && put(KMEMLEAK, "scan") && put(KMEMLEAK, "scan")) {
		bytes = copy(KMEMLEAK, "fault-kmemleak", &objects);
		if (bytes >= 0)
			say(INIT, "kmemleak: %ld bytes, %d unreferenced objects\n",
			    bytes, objects);
	}

	say(INIT, "done\n");
	end_boot();
	return 0;
}
