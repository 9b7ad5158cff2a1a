// SPDX-License-Identifier: GPL-2.0
/// Facts for scripts/audit.py about mmu notifier callbacks: the ops
/// initialisers, and for every function of the file, the calls it makes,
/// what in it may sleep, and which of its lines only run when
/// mmu_notifier_range_blockable() said yes.  Changes nothing.
///
/// One fact per line, tab separated: KIND FILE LINE FUNCTION ARGS...
///   ops    STRUCT FIELD CALLBACK   a .FIELD = CALLBACK in STRUCT = { }
///   def                            FUNCTION is defined here
///   call   CALLEE                  a direct call (or kref_put's release)
///   sleep  CALLEE                  a call of a primitive that may sleep
///   gfp    FLAG                    an allocation flag that may reclaim
///   fp     MEMBER                  a call through a function pointer
///                                  (MEMBER, or a parameter of FUNCTION)
///   only   LAST                    lines LINE..LAST run only if blockable
///   after  RETURN                  after LINE, only if blockable: the
///                                  non-blockable path returned RETURN
//
// Options: --no-includes --very-quiet

@initialize:python@
@@
def fact(kind, p, fn, *args):
	print("\t".join([kind, p[0].file, p[0].line, fn] + list(args)))

@ops@
identifier I, fld, cb;
position p;
@@
struct \(mmu_interval_notifier_ops\|mmu_notifier_ops\) I = { ..., .fld = cb@p, ... };

@script:python@
I << ops.I; fld << ops.fld; cb << ops.cb; p << ops.p;
@@
fact("ops", p, I, fld, cb)

@def@
identifier fn;
position p;
@@
fn@p(...) { ... }

@script:python@
fn << def.fn; p << def.p;
@@
fact("def", p, fn)

// What may sleep.  Trylocks, spinlocks, queue_work() and friends do not.
@sleep@
identifier fn;
identifier S =~ "^(might_sleep|might_fault|cond_resched|schedule|schedule_timeout(_[a-z]+)?|msleep(_interruptible)?|ssleep|usleep_range(_state)?|fsleep|mutex_lock(_nested|_interruptible(_nested)?|_killable(_nested)?|_io)?|ww_mutex_lock(_interruptible)?|down|down_(interruptible|killable|timeout)|down_(read|write)(_nested|_killable|_interruptible)?|mmap_(read|write)_lock(_killable)?|percpu_down_(read|write)|wait_event[a-z_]*|wait_for_completion[a-z_]*|wait_on_bit[a-z_]*|wait_var_event[a-z_]*|flush_(work|delayed_work|workqueue|scheduled_work)|drain_workqueue|cancel_(delayed_)?work_sync|kthread_stop|dma_fence_wait(_timeout|_any_timeout)?|dma_resv_wait_timeout|dma_resv_lock(_interruptible|_slow|_slow_interruptible)?|synchronize_(rcu|srcu|net|irq)[a-z_]*|rcu_barrier[a-z_]*|folio_lock|lock_page|vmalloc|vzalloc|vfree|copy_(from|to)_user|get_user|put_user|get_user_pages[a-z_]*|pin_user_pages[a-z_]*|unpin_user_pages_dirty_lock)$";
position p;
@@
fn(...) { <... S@p(...) ...> }

@script:python@
fn << sleep.fn; S << sleep.S; p << sleep.p;
@@
fact("sleep", p, fn, S)

@gfp@
identifier fn;
identifier G =~ "^GFP_(KERNEL|KERNEL_ACCOUNT|NOFS|NOIO|USER|HIGHUSER[A-Z_]*)$";
position p;
@@
fn(...) { <... G@p ...> }

@script:python@
fn << gfp.fn; G << gfp.G; p << gfp.p;
@@
fact("gfp", p, fn, G)

@call@
identifier fn, g;
position p;
@@
fn(...) { <... g@p(...) ...> }

@script:python@
fn << call.fn; g << call.g; p << call.p;
@@
fact("call", p, fn, g)

// kref_put() calls its release function before it returns.
@release@
identifier fn, g;
expression E;
position p;
@@
fn(...) { <... \(kref_put@p(E, g)\|kref_put_lock@p(E, g, ...)\|kref_put_mutex@p(E, g, ...)\) ...> }

@script:python@
fn << release.fn; g << release.g; p << release.p;
@@
fact("call", p, fn, g)

@fp@
identifier fn, m;
expression E;
position p;
@@
fn(...) { <... \(E->m@p(...)\|E.m@p(...)\|(*E)@p(...)\) ...> }

@script:python@
fn << fp.fn; m << fp.m; p << fp.p;
@@
fact("fp", p, fn, m)

// A call through a function pointer the function was passed.
@param_fp@
identifier fn, h;
type T;
position p;
@@
fn(..., T (*h)(...), ...) { <... h@p(...) ...> }

@script:python@
fn << param_fp.fn; h << param_fp.h; p << param_fp.p;
@@
fact("fp", p, fn, h)

// The guards: code that only the blockable context runs.
@if_then@
identifier fn;
expression R;
statement S1, S2;
position p;
@@
fn(...) { <... if (mmu_notifier_range_blockable(R)) S1@p else S2 ...> }

@script:python@
fn << if_then.fn; p << if_then.p;
@@
fact("only", p, fn, p[0].line_end)

@if_only@
identifier fn;
expression R;
statement S1;
position p;
@@
fn(...) { <... if (mmu_notifier_range_blockable(R)) S1@p ...> }

@script:python@
fn << if_only.fn; p << if_only.p;
@@
fact("only", p, fn, p[0].line_end)

@if_else@
identifier fn;
expression R;
statement S1, S2;
position p;
@@
fn(...) { <... if (!mmu_notifier_range_blockable(R)) S1 else S2@p ...> }

@script:python@
fn << if_else.fn; p << if_else.p;
@@
fact("only", p, fn, p[0].line_end)

@decline@
identifier fn;
expression R, E;
position p;
@@
fn(...) { <...
(
if (!mmu_notifier_range_blockable(R)) return E;@p
|
if (!mmu_notifier_range_blockable(R)) { ... return E;@p }
)
...> }

@script:python@
fn << decline.fn; E << decline.E; p << decline.p;
@@
fact("after", p, fn, E)
