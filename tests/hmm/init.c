// SPDX-License-Identifier: GPL-2.0
/*
 * The init of scripts/hmm.sh's initramfs: mount what hmm-tests needs, run
 * /hmm-tests, copy each line it prints into the kernel log (so that it
 * stands whole and in order among the kernel's own messages), say how it
 * ended; then the memcg cases; then say whether lockdep is still on, and
 * reboot, which ends QEMU.
 *
 * benchmark_thp_migration is left out (-T): it times migrations, and its
 * 120 s bound is a race with the machine's speed on a KASAN and lockdep
 * kernel under TCG, not a verdict on the notifiers.
 *
 * The memcg cases: a process in a cgroup at memory.max writes MEMCG_MAPPED
 * of anonymous memory, four times its limit, with swap on zram, and reads
 * it back: memcg reclaim must swap most of it out.  In "control" nothing
 * else is there; in "busy" test_hmm answers ->in_use() busy for all of it
 * (HMM_DMIRROR_BUSY), where the tree has that.  Both run on the classic
 * LRU, then again with MGLRU turned on ("-mglru"), where the kernel has
 * it.  Each says how the process ended, the cgroup's memory.events and
 * what /proc/vmstat counted meanwhile; hmm.sh judges.
 */
#define INIT "hmm-init"
#include "../init.h"
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "lib/test_hmm_uapi.h"

#define CGROUP "/sys/fs/cgroup"
#define MGLRU "/sys/kernel/mm/lru_gen/enabled"
#define MEMCG_MAX (16UL << 20)
#define MEMCG_MAPPED (4 * MEMCG_MAX)
#define PAGE 4096UL

/*
 * The process of a memcg case, in cgroup DIR: join it, map MEMCG_MAPPED,
 * have test_hmm answer busy for it if BUSY, write every page, read every
 * page back.  Exits 0 if all came back, 1 if not, 2 if it could not start.
 */
static void memcg_child(const char *dir, bool busy)
{
	char path[128];
	unsigned long i;
	char *mem;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (!put(path, "0"))
		_exit(2);
	mem = mmap(NULL, MEMCG_MAPPED, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		_exit(2);
	if (busy) {
#ifdef HMM_DMIRROR_BUSY
		struct hmm_dmirror_cmd cmd = {
			.addr = (unsigned long)mem,
			.npages = MEMCG_MAPPED / PAGE,
		};

		/* Kept open: the range stays busy until the process exits */
		int fd = open("/dev/hmm_dmirror0", O_RDWR);
		if (fd < 0 || ioctl(fd, HMM_DMIRROR_BUSY, &cmd)) {
			say(INIT, "memcg busy: HMM_DMIRROR_BUSY: %s\n",
			    strerror(errno));
			_exit(2);
		}
#else
		_exit(2);
#endif
	}
	for (i = 0; i < MEMCG_MAPPED; i += PAGE)
		*(unsigned long *)(mem + i) = i ^ 0x5a5a5a5aUL;
	for (i = 0; i < MEMCG_MAPPED; i += PAGE)
		if (*(unsigned long *)(mem + i) != (i ^ 0x5a5a5a5aUL))
			_exit(1);
	_exit(0);
}

/* Run the memcg case NAME, in a cgroup of its own. */
static void memcg_case(const char *name, bool busy)
{
	long in_use = vmstat("secondary_in_use");
	long expired = vmstat("secondary_in_use_expired");
	long pswpout = vmstat("pswpout");
	char dir[64], path[128], max[32];
	int status;
	pid_t pid;

	snprintf(dir, sizeof(dir), CGROUP "/%s", name);
	snprintf(path, sizeof(path), "%s/memory.max", dir);
	snprintf(max, sizeof(max), "%lu", MEMCG_MAX);
	if (mkdir(dir, 0755) || !put(path, max)) {
		say(INIT, "memcg %s: no cgroup %s: %s\n", name, dir,
		    strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0)
		memcg_child(dir, busy);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		say(INIT, "memcg %s: could not run: %s\n", name, strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/memory.events", dir);
	say(INIT, "memcg %s: %s %d, oom %ld, oom_kill %ld, max %ld, "
	    "secondary_in_use %ld, secondary_in_use_expired %ld, pswpout %ld\n",
	    name, WIFEXITED(status) ? "exited with" : "killed by signal",
	    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
	    keyed(path, "oom"), keyed(path, "oom_kill"), keyed(path, "max"),
	    vmstat("secondary_in_use") - in_use,
	    vmstat("secondary_in_use_expired") - expired,
	    vmstat("pswpout") - pswpout);
}

/* The memcg cases, their names ending in SUFFIX */
static void memcg_cases(const char *suffix)
{
	char name[32];

	snprintf(name, sizeof(name), "control%s", suffix);
	memcg_case(name, false);
	snprintf(name, sizeof(name), "busy%s", suffix);
#ifdef HMM_DMIRROR_BUSY
	memcg_case(name, true);
#else
	say(INIT, "memcg %s: skipped: the tree's test_hmm has no HMM_DMIRROR_BUSY\n",
	    name);
#endif
}

int main(void)
{
	char *argv[] = { "/hmm-tests", "-T", "benchmark_thp_migration", NULL };
	char line[1024];
	FILE *in;
	pid_t pid;

	mnt("proc", "/proc");
	mnt("sysfs", "/sys");
	mnt("devtmpfs", "/dev");
	mnt("debugfs", "/sys/kernel/debug");
	mnt("tmpfs", "/tmp");
	open_kmsg();

	in = spawn(argv, 0, &pid);
	while (in && fgets(line, sizeof(line), in))
		say("hmm-tests", "%s", line);
	ended("hmm-tests", pid, 0);

	setup_swap();
	mnt("cgroup2", CGROUP);
	put(CGROUP "/cgroup.subtree_control", "+memory");
	memcg_cases("");
	/* Again with MGLRU, where the kernel has it */
	if (!access(MGLRU, F_OK) && put(MGLRU, "y")) {
		memcg_cases("-mglru");
	} else {
		say(INIT, "memcg control-mglru: skipped: no %s\n", MGLRU);
		say(INIT, "memcg busy-mglru: skipped: no %s\n", MGLRU);
	}
	say(INIT, "memcg done\n");
	end_boot();
	return 0;
}
