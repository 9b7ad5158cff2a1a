// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's comparison of the base and the series (not a patch of the
 * series: scripts/bench.sh adds it to a worktree of each, unchanged).
 * Direct reclaim of lazily freed anonymous pages, timed until TARGET are
 * freed, with no subscriber ("none") and under an interval subscriber
 * that accepts every invalidation and has no ->in_use() ("idle"), as
 * every driver's on the base.  Each case runs REPS times per boot, each
 * time in a fresh mapping that it unmaps before the next.
 */
#include <kunit/test.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/swap.h>
#include <linux/uaccess.h>

#include "../mm/internal.h"	/* try_to_free_pages() */

#define PAGES 65536UL
#define TARGET (PAGES / 8)
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

static void rb_run(struct kunit *test, bool sub, const char *name)
{
	unsigned long len = PAGES * PAGE_SIZE, addr, i, rss, freed, calls;
	struct mmu_interval_notifier mni;
	u64 ns;
	int r;

	for (r = 0; r < REPS; r++) {
		addr = kunit_vm_mmap(test, NULL, 0, len, PROT_READ | PROT_WRITE,
				     MAP_ANONYMOUS | MAP_PRIVATE, 0);
		KUNIT_ASSERT_NE(test, addr, 0);
		if (sub)
			KUNIT_ASSERT_EQ(test, mmu_interval_notifier_insert(&mni,
					current->mm, addr, len, &rb_ops), 0);
		for (i = 0; i < PAGES; i++)
			KUNIT_ASSERT_EQ(test, put_user(i, (unsigned long __user *)
						       (addr + i * PAGE_SIZE)), 0);
		lru_add_drain_all();
		KUNIT_ASSERT_EQ(test, do_madvise(current->mm, addr, len,
						 MADV_FREE), 0);
		lru_add_drain_all();

		rss = get_mm_counter_sum(current->mm, MM_ANONPAGES);
		freed = 0;
		calls = 0;
		ns = ktime_get_ns();
		while (freed < TARGET && calls++ < TARGET) {
			rb_reclaim();
			freed = rss - min(rss, get_mm_counter_sum(current->mm,
								   MM_ANONPAGES));
		}
		ns = ktime_get_ns() - ns;
		kunit_info(test, "bench: %s us=%llu freed=%lu target=%lu calls=%lu\n",
			   name, div_u64(ns, NSEC_PER_USEC), freed, TARGET, calls);
		KUNIT_EXPECT_GE(test, freed, TARGET);
		if (sub)
			mmu_interval_notifier_remove(&mni);
		/*
		 * Now: KUnit starts the next case once this thread has let
		 * go of its mm, before the mm's mappings are freed.
		 */
		KUNIT_EXPECT_EQ(test, vm_munmap(addr, len), 0);
	}
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

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Reclaim timed the same way on the base and on the series");
