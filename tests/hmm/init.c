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
 * (HMM_DMIRROR_BUSY), where the tree has that.  Then the THP cases (see
 * thp_child()).  All run on the classic LRU, then again with MGLRU turned
 * on ("-mglru"), where the kernel has it.  Each says how the process
 * ended, the cgroup's memory.events or the state of its THP, and what
 * /proc/vmstat counted meanwhile; hmm.sh judges.
 */
#define INIT "hmm-init"
#include "../init.h"
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kernel-page-flags.h>
#include "lib/test_hmm_uapi.h"

#define CGROUP "/sys/fs/cgroup"
#define MGLRU "/sys/kernel/mm/lru_gen/enabled"
#define MEMCG_MAX (16UL << 20)
#define MEMCG_MAPPED (4 * MEMCG_MAX)
#define PAGE 4096UL

/*
 * Have test_hmm answer ->in_use() busy for LEN bytes from ADDR until this
 * process exits (the device file stays open), or say why not for the case
 * KIND NAME, and exit with 2.
 */
static void busy_range(const char *kind, const char *name, void *addr,
		       unsigned long len)
{
#ifdef HMM_DMIRROR_BUSY
	struct hmm_dmirror_cmd cmd = {
		.addr = (unsigned long)addr,
		.npages = len / PAGE,
	};
	int fd = open("/dev/hmm_dmirror0", O_RDWR);

	if (fd >= 0 && !ioctl(fd, HMM_DMIRROR_BUSY, &cmd))
		return;
	say(INIT, "%s %s: HMM_DMIRROR_BUSY: %s\n", kind, name, strerror(errno));
#endif
	_exit(2);
}

/*
 * The process of the memcg case NAME, in cgroup DIR: map MEMCG_MAPPED,
 * have test_hmm answer busy for it if BUSY, write every page, read every
 * page back.  Exits 0 if all came back, 1 if not, 2 if it could not
 * start.
 */
static void memcg_child(const char *name, const char *dir, bool busy)
{
	unsigned long i;
	char *mem;

	mem = mmap(NULL, MEMCG_MAPPED, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		_exit(2);
	if (busy)
		busy_range("memcg", name, mem, MEMCG_MAPPED);
	for (i = 0; i < MEMCG_MAPPED; i += PAGE)
		*(unsigned long *)(mem + i) = i ^ 0x5a5a5a5aUL;
	for (i = 0; i < MEMCG_MAPPED; i += PAGE)
		if (*(unsigned long *)(mem + i) != (i ^ 0x5a5a5a5aUL))
			_exit(1);
	_exit(0);
}

/*
 * Run CHILD(NAME, DIR, BUSY) in a process of its own, in a new cgroup DIR
 * named NAME, at memory.max MAX unless that is NULL; the process joins
 * the cgroup first (exit status 2 if it cannot).  Its wait status, or -1
 * if it could not run (said, as the case KIND NAME).
 */
static int in_cgroup(const char *kind, const char *name, const char *max,
		     void (*child)(const char *, const char *, bool), bool busy)
{
	char dir[64], path[128];
	int status;
	pid_t pid;

	snprintf(dir, sizeof(dir), CGROUP "/%s", name);
	snprintf(path, sizeof(path), "%s/memory.max", dir);
	if (mkdir(dir, 0755) || (max && !put(path, max))) {
		say(INIT, "%s %s: no cgroup %s: %s\n", kind, name, dir,
		    strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		if (!put(path, "0"))
			_exit(2);
		child(name, dir, busy);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		say(INIT, "%s %s: could not run: %s\n", kind, name,
		    strerror(errno));
		return -1;
	}
	return status;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The /proc/vmstat counters NAMES (COUNT of them) that a case reports, in
 * its line's order: read them into BEFORE first, then append ", NAME
 * DELTA" for each to the line LINE of SIZE bytes, N of them used.
 */
static void counters_read(const char *const *names, size_t count,
			  long *before)
{
	size_t i;

	for (i = 0; i < count; i++)
		before[i] = vmstat(names[i]);
}

static void counters_say(char *line, size_t size, int n,
			 const char *const *names, size_t count,
			 const long *before)
{
	size_t i;

	for (i = 0; i < count; i++)
		n += snprintf(line + n, size - n, ", %s %ld", names[i],
			      vmstat(names[i]) - before[i]);
}

static const char *const memcg_counters[] = {
	"secondary_in_use", "secondary_in_use_expired", "pswpout",
};

/* Run the memcg case NAME, in a cgroup of its own. */
static void memcg_case(const char *name, bool busy)
{
	char path[128], max[32], line[512];
	long before[ARRAY_SIZE(memcg_counters)];
	int status, n;

	counters_read(memcg_counters, ARRAY_SIZE(memcg_counters), before);
	snprintf(max, sizeof(max), "%lu", MEMCG_MAX);
	status = in_cgroup("memcg", name, max, memcg_child, busy);
	if (status < 0)
		return;
	snprintf(path, sizeof(path), CGROUP "/%s/memory.events", name);
	n = snprintf(line, sizeof(line), "%s %d, oom %ld, oom_kill %ld, max %ld",
		     WIFEXITED(status) ? "exited with" : "killed by signal",
		     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
		     keyed(path, "oom"), keyed(path, "oom_kill"),
		     keyed(path, "max"));
	counters_say(line, sizeof(line), n, memcg_counters,
		     ARRAY_SIZE(memcg_counters), before);
	say(INIT, "memcg %s: %s\n", name, line);
}

/*
 * The THP cases, thp_child(): what a folio kept for a device costs.  A
 * process in a cgroup of its own faults in one THP, then THP_OTHERS of
 * small pages, makes them all cold with the THP the oldest, and asks the
 * cgroup's memory.reclaim for THP_RECLAIM.  In "thp-control" reclaim takes
 * the THP first and swaps it out (whole: the kernel has THP_SWAP).  In
 * "thp-busy" test_hmm answers busy for the THP: reclaim must take its
 * target from the small pages and leave the THP mapped by its PMD, whole,
 * out of the swap cache (/proc/self/pagemap, /proc/kpageflags), and
 * nothing split; then, reclaiming the rest, reach the THP again and swap
 * it out whole without asking.  Asked before reclaim allocates swap or
 * splits, the device costs neither; asked after the allocation, as a
 * decline of the invalidation would be, the kept THP is in the swap cache
 * here (seen with a kernel that called folio_alloc_swap() before keeping
 * the folio).
 */
#define THP (2UL << 20)
#define THP_OTHERS (8UL << 20)
#define THP_RECLAIM "2M"

/*
 * How the THP / PAGE pages from ADDR are mapped: 1 if all are present as
 * the pages of one THP (its head first, aligned), mapped by its PMD (the
 * process's AnonHugePages, which counts only those, is one THP), 0 if not;
 * in *SWAPCACHE, how many are in the swap cache.  -1 if pagemap or
 * kpageflags cannot be read.
 */
static int thp_state(unsigned long addr, int *swapcache)
{
	int pagemap = open("/proc/self/pagemap", O_RDONLY);
	int kpageflags = open("/proc/kpageflags", O_RDONLY);
	uint64_t ent, flags, pfn0 = 0;
	unsigned long i, npages = THP / PAGE;
	int whole = 1;

	*swapcache = 0;
	for (i = 0; i < npages; i++) {
		if (pread(pagemap, &ent, 8, (addr / PAGE + i) * 8) != 8)
			break;
		if (!(ent >> 63)) {	/* not present: swapped out */
			whole = 0;
			continue;
		}
		ent &= (1ULL << 55) - 1;
		if (pread(kpageflags, &flags, 8, ent * 8) != 8)
			break;
		if (!i)
			pfn0 = ent;
		if (!(flags >> KPF_THP & 1) || ent != pfn0 + i ||
		    pfn0 % npages || !(flags >> (i ? KPF_COMPOUND_TAIL :
						 KPF_COMPOUND_HEAD) & 1))
			whole = 0;
		*swapcache += flags >> KPF_SWAPCACHE & 1;
	}
	close(pagemap);
	close(kpageflags);
	if (keyed("/proc/self/smaps_rollup", "AnonHugePages:") != THP >> 10)
		whole = 0;
	return i < npages ? -1 : whole;
}

static const char *const thp_counters[] = {
	"secondary_in_use", "secondary_in_use_expired", "thp_split_pmd",
	"thp_split_page", "thp_swpout", "pswpout",
};

/*
 * Step STEP of the THP case NAME: have memory.reclaim of cgroup DIR take
 * SIZE, in CHUNKS writes or until the THP at ADDR left, then say how that
 * went, what is left of the THP, and what the counters counted.
 */
static void thp_step(const char *name, const char *step, const char *dir,
		     const char *size, int chunks, unsigned long addr)
{
	int whole = 1, swapcache, ok = 1, n;
	long before[ARRAY_SIZE(thp_counters)];
	char path[128], line[512];

	counters_read(thp_counters, ARRAY_SIZE(thp_counters), before);
	snprintf(path, sizeof(path), "%s/memory.reclaim", dir);
	while (ok && whole == 1 && chunks--) {
		ok = put(path, size);
		whole = thp_state(addr, &swapcache);
	}
	n = snprintf(line, sizeof(line), "%s: reclaimed %s, whole %d, swapcache %d",
		     step, ok ? "all" : "short", whole, swapcache);
	counters_say(line, sizeof(line), n, thp_counters,
		     ARRAY_SIZE(thp_counters), before);
	say(INIT, "thp %s: %s\n", name, line);
}

/* The process of the THP case NAME, in cgroup DIR. */
static void thp_child(const char *name, const char *dir, bool busy)
{
	char *mem, *thp;
	int whole, swapcache;
	unsigned long i;

	mem = mmap(NULL, 2 * THP, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		_exit(2);
	thp = (char *)(((unsigned long)mem + THP - 1) & ~(THP - 1));
	if (madvise(thp, THP, MADV_HUGEPAGE)) {
		say(INIT, "thp %s: MADV_HUGEPAGE: %s\n", name, strerror(errno));
		_exit(2);
	}
	memset(thp, 0x5a, THP);
	whole = thp_state((unsigned long)thp, &swapcache);
	if (whole != 1) {
		say(INIT, "thp %s: %s\n", name, whole ? "cannot read "
		    "/proc/self/pagemap or /proc/kpageflags" : "no THP");
		_exit(2);
	}
	if (busy)
		busy_range("thp", name, thp, THP);
	mem = mmap(NULL, THP_OTHERS, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED || madvise(mem, THP_OTHERS, MADV_NOHUGEPAGE)) {
		say(INIT, "thp %s: the small pages: %s\n", name, strerror(errno));
		_exit(2);
	}
	for (i = 0; i < THP_OTHERS; i += PAGE)
		mem[i] = 1;
	/*
	 * All of it old and inactive, the THP the oldest: reclaim's first
	 * visit to the THP decides.  Fresh from these writes, each page's
	 * accessed bit would spare it once, and reclaim would get down to
	 * priority 0, where devices are not asked.
	 */
	if (madvise(thp, THP, MADV_COLD) || madvise(mem, THP_OTHERS, MADV_COLD)) {
		say(INIT, "thp %s: MADV_COLD: %s\n", name, strerror(errno));
		_exit(2);
	}
	thp_step(name, "first", dir, THP_RECLAIM, 1, (unsigned long)thp);
	/*
	 * The bound: reclaim, taking the rest a MiB at a time, reaches the
	 * kept THP again and evicts it, asking no one, whole.
	 */
	if (busy)
		thp_step(name, "again", dir, "1M", THP_OTHERS >> 20,
			 (unsigned long)thp);
	_exit(0);
}

/* Run the THP case NAME, in a cgroup of its own. */
static void thp_case(const char *name, bool busy)
{
	int status = in_cgroup("thp", name, NULL, thp_child, busy);

	if (status > 0)
		say(INIT, "thp %s: %s %d\n", name,
		    WIFEXITED(status) ? "exited with" : "killed by signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/*
 * The memcg and THP cases, their names ending in SUFFIX; or, if SKIP, say
 * that each is skipped, and why.
 */
static void memcg_cases(const char *suffix, const char *skip)
{
	static const struct {
		const char *kind, *name;
		void (*run)(const char *name, bool busy);
		bool busy;
	} cases[] = {
		{ "memcg", "control", memcg_case, false },
		{ "memcg", "busy", memcg_case, true },
		{ "thp", "thp-control", thp_case, false },
		{ "thp", "thp-busy", thp_case, true },
	};
	const char *why;
	char name[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(name, sizeof(name), "%s%s", cases[i].name, suffix);
		why = skip;
#ifndef HMM_DMIRROR_BUSY
		if (!why && cases[i].busy)
			why = "the tree's test_hmm has no HMM_DMIRROR_BUSY";
#endif
		if (why)
			say(INIT, "%s %s: skipped: %s\n", cases[i].kind, name, why);
		else
			cases[i].run(name, cases[i].busy);
	}
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
	memcg_cases("", NULL);
	/* Again with MGLRU, where the kernel has it */
	if (!access(MGLRU, F_OK) && put(MGLRU, "y"))
		memcg_cases("-mglru", NULL);
	else
		memcg_cases("-mglru", "no " MGLRU);
	say(INIT, "memcg done\n");
	end_boot();
	return 0;
}
