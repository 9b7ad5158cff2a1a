// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's comparison of the base and the series (not a patch of the
 * series: scripts/bench.sh adds it to a worktree of each, unchanged).
 * Direct reclaim of lazily freed anonymous pages, timed until TARGET are
 * freed, with no subscriber ("none") and under an interval subscriber
 * that accepts every invalidation and has no ->in_use() ("idle"), as
 * every driver's on the base.  Each case runs REPS times per boot, each
 * time in a fresh mapping that it unmaps before the next, and prints the
 * folios direct reclaim scanned meanwhile (what a cost per folio is per).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/swap.h>
#include <linux/uaccess.h>
#include <linux/vmstat.h>

#include "../mm/internal.h"	/* try_to_free_pages() */

#define PAGES 65536UL
#define TARGET (PAGES / 8)
/* A bound on the reclaim calls, about 5 times what a run takes */
#define MAX_CALLS (4 * TARGET / SWAP_CLUSTER_MAX)
#define REPS 5

static bool rb_invalidate(struct mmu_interval_notifier *mni,
			  const struct mmu_notifier_range *range,
			  unsigned long cur_seq)
{
	mmu_interval_set_seq(mni, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops rb_ops = {
	.invalidate = rb_invalidate,
};

/* One direct reclaim, as the page allocator's slow path enters it. */
static void rb_reclaim(void)
{
	unsigned int noreclaim;

	fs_reclaim_acquire(GFP_KERNEL);
	noreclaim = memalloc_noreclaim_save();
	try_to_free_pages(node_zonelist(numa_node_id(), GFP_KERNEL), 0,
			  GFP_KERNEL, NULL);
	memalloc_noreclaim_restore(noreclaim);
	fs_reclaim_release(GFP_KERNEL);
}

/*
 * One run: whether it freed TARGET pages.  Every path unmaps the mapping
 * before it returns: KUnit starts the next case once this thread has let
 * go of its mm, before the mm's mappings are freed, and the next case
 * would reclaim this one's pages.
 */
static bool rb_once(struct kunit *test, bool sub, const char *name)
{
	unsigned long len = PAGES * PAGE_SIZE, addr, i, rss;
	unsigned long freed = 0, calls = 0, scanned;
	struct mmu_interval_notifier mni;
	int err;
	u64 ns;

	addr = kunit_vm_mmap(test, NULL, 0, len, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (!addr || IS_ERR_VALUE(addr)) {
		KUNIT_FAIL(test, "vm_mmap() of %lu bytes: %ld", len,
			   (long)addr);
		return false;
	}
	for (i = 0; i < PAGES; i++) {
		unsigned long __user *p = (void __user *)(addr + i * PAGE_SIZE);

		if (put_user(i, p)) {
			KUNIT_FAIL(test, "fault at page %lu", i);
			goto unmap;
		}
	}
	lru_add_drain_all();
	err = do_madvise(current->mm, addr, len, MADV_FREE);
	if (err) {
		KUNIT_FAIL(test, "MADV_FREE: %d", err);
		goto unmap;
	}
	lru_add_drain_all();
	if (sub) {
		err = mmu_interval_notifier_insert(&mni, current->mm, addr,
						   len, &rb_ops);
		if (err) {
			KUNIT_FAIL(test, "mmu_interval_notifier_insert(): %d",
				   err);
			goto unmap;
		}
	}

	rss = get_mm_counter_sum(current->mm, MM_ANONPAGES);
	scanned = global_node_page_state_monotonic(PGSCAN_DIRECT);
	ns = ktime_get_ns();
	while (freed < TARGET && calls < MAX_CALLS) {
		calls++;
		rb_reclaim();
		freed = rss - min(rss, get_mm_counter_sum(current->mm,
							   MM_ANONPAGES));
	}
	ns = ktime_get_ns() - ns;
	/* The global count, without the CPUs' deltas (a few pages each) */
	scanned = global_node_page_state_monotonic(PGSCAN_DIRECT) - scanned;
	kunit_info(test,
		   "bench: %s us=%llu freed=%lu target=%lu calls=%lu scanned=%lu\n",
		   name, div_u64(ns, NSEC_PER_USEC), freed, TARGET, calls,
		   scanned);
	KUNIT_EXPECT_GE(test, freed, TARGET);
	if (sub)
		mmu_interval_notifier_remove(&mni);
unmap:
	KUNIT_EXPECT_EQ(test, vm_munmap(addr, len), 0);
	return freed >= TARGET;
}

static void rb_run(struct kunit *test, bool sub, const char *name)
{
	int r;

	for (r = 0; r < REPS; r++)
		if (!rb_once(test, sub, name))
			return;
}

static void rb_none(struct kunit *test)
{
	rb_run(test, false, "none");
}

static void rb_idle(struct kunit *test)
{
	rb_run(test, true, "idle");
}

static struct kunit_case rb_cases[] = {
	KUNIT_CASE(rb_none),
	KUNIT_CASE(rb_idle),
	{}
};

static struct kunit_suite rb_suite = {
	.name = "reclaim_bench",
	.test_cases = rb_cases,
};

kunit_test_suite(rb_suite);
