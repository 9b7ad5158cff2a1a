// SPDX-License-Identifier: GPL-2.0
/*
 * The init of scripts/fault.sh's initramfs: let failslab fail the GFP_KERNEL
 * allocations that the mmu_notifier_fault KUnit suite aims current->fail_nth
 * at, run the suite through debugfs, ask kmemleak what it left behind, copy
 * the suite's KTAP and kmemleak's report into the kernel log, say whether
 * lockdep is still on, and reboot, which ends QEMU.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>

#define DEBUGFS		"/sys/kernel/debug"
#define KMEMLEAK	DEBUGFS "/kmemleak"
#define SUITE		DEBUGFS "/kunit/mmu_notifier_fault"
/* kmemleak reports no object younger than MSECS_MIN_AGE (mm/kmemleak.c): 5 s. */
#define MIN_AGE_S	6

static int kmsg = STDOUT_FILENO;

static void say(const char *prefix, const char *fmt, ...)
{
	char buf[1024];	/* /dev/kmsg refuses longer records */
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%s: ", prefix);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	/* One write, one record: the kernel log keeps the line whole. */
	if (write(kmsg, buf, strlen(buf)) < 0)
		perror("write to the kernel log");
}

static void mnt(const char *type, const char *dir)
{
	mkdir(dir, 0755);
	if (mount(type, dir, type, 0, NULL))
		say("fault-init", "cannot mount %s on %s: %s\n",
		    type, dir, strerror(errno));
}

static int put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	int ok = fd >= 0 && write(fd, val, strlen(val)) == (ssize_t)strlen(val);

	if (!ok)
		say("fault-init", "cannot write %s to %s: %s\n",
		    val, path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Copy PATH into the kernel log, line by line; the bytes copied, or -1. */
static long copy(const char *path, const char *prefix, int *objects)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	long bytes = 0;
	ssize_t n;

	if (!f) {
		say("fault-init", "cannot read %s: %s\n", path, strerror(errno));
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
	char line[256];
	long bytes;
	FILE *in;

	mnt("proc", "/proc");
	mnt("sysfs", "/sys");
	mnt("devtmpfs", "/dev");
	mnt("debugfs", DEBUGFS);
	kmsg = open("/dev/kmsg", O_WRONLY);
	if (kmsg < 0)
		kmsg = STDOUT_FILENO;

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
	say("fault-init", "running the mmu_notifier_fault suite\n");
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
			say("fault-init", "kmemleak: %ld bytes, %d unreferenced objects\n",
			    bytes, objects);
	}

	/* Whether lockdep was still on at the end (a report turns it off). */
	in = fopen("/proc/lockdep_stats", "r");
	while (in && fgets(line, sizeof(line), in))
		if (strstr(line, "debug_locks:"))
			say("fault-init", "%s", line + strspn(line, " "));
	say("fault-init", "done\n");
	sync();
	/*
	 * QEMU runs with -no-reboot, so a reboot ends it.  Not a power off:
	 * that needs ACPI, and a kernel whose ACPI tables did not load
	 * halts instead, leaving QEMU to its time bound.
	 */
	reboot(RB_AUTOBOOT);
	return 0;
}
