// SPDX-License-Identifier: GPL-2.0
/*
 * The init of scripts/kvm.sh's initramfs: mount what KVM's selftests need,
 * put swap on a zram disk, count KVM's notifier callbacks through their
 * tracepoints, run each test that /tests names (a line each:
 * BOUND-IN-SECONDS [pageout] NAME ARGS...), copy each line it prints into
 * the kernel log, say how it ended and how many notifier starts
 * (kvm:kvm_unmap_hva_range) and agings (kvm:kvm_age_hva) reached KVM
 * meanwhile (lower bounds if the trace buffer overran), then which of
 * KVM's locks lockdep saw taken under the notifier's map, whether lockdep
 * is still on, and reboot, which ends QEMU.
 *
 * A "pageout" test runs under reclaim: a reclaimer process the init starts
 * beside it asks reclaim, every PAGEOUT_MS while the test runs, to page
 * out its larger anonymous mappings (the guest's memory) with
 * process_madvise(MADV_PAGEOUT), as a proactive reclaimer would; the init
 * says how many pages went to swap and came back meanwhile.  The reclaimer
 * is a process of its own so that reclaim stuck in the kernel (in KVM's
 * callbacks, say) cannot stop the init.
 */
#define INIT "kvm-init"
#include "../init.h"
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define TRACEFS "/sys/kernel/tracing"
#define PAGEOUT_MS 100
/* Smaller mappings are not the guest's (the vCPU threads' stacks are 8 MiB) */
#define PAGEOUT_MIN (16UL << 20)

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/*
 * Ask reclaim to page out PID's private anonymous read-write mappings of
 * PAGEOUT_MIN or more (through PIDFD); the bytes it was asked for, or -1
 * if it could not be asked.
 */
static long pageout(pid_t pid, int pidfd)
{
	struct iovec iov[64];
	char path[64], line[512];
	unsigned long lo, hi;
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	while (f && n < 64 && fgets(line, sizeof(line), f)) {
		char perms[5];
		unsigned long off, inode;
		int name = 0;

		if (sscanf(line, "%lx-%lx %4s %lx %*s %lu %n", &lo, &hi, perms,
			   &off, &inode, &name) < 5)
			continue;
		if (strcmp(perms, "rw-p") || inode || line[name] == '[' ||
		    hi - lo < PAGEOUT_MIN)
			continue;
		iov[n].iov_base = (void *)lo;
		iov[n++].iov_len = hi - lo;
	}
	if (f)
		fclose(f);
	return n ? syscall(SYS_process_madvise, pidfd, iov, n, MADV_PAGEOUT, 0) : 0;
}

/* Empty the trace buffer: an open with O_TRUNC does. */
static void clear_trace(void)
{
	int fd = open(TRACEFS "/trace", O_WRONLY | O_TRUNC);

	if (fd < 0)
		say(INIT, "cannot clear the trace: %s\n", strerror(errno));
	else
		close(fd);
}

/*
 * The notifier starts and agings in the trace buffer, read once, and the
 * buffer's overruns.
 */
static void count(long *unmaps, long *ages, long *overrun)
{
	char line[512];
	FILE *f;
	int cpu;

	*unmaps = *ages = *overrun = 0;
	f = fopen(TRACEFS "/trace", "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (strstr(line, "kvm_unmap_hva_range:"))
			(*unmaps)++;
		else if (strstr(line, "kvm_age_hva:"))
			(*ages)++;
	}
	if (f)
		fclose(f);
	for (cpu = 0; cpu < 64; cpu++) {
		char path[128];
		long n;

		snprintf(path, sizeof(path), TRACEFS "/per_cpu/cpu%d/stats", cpu);
		if (access(path, F_OK))
			break;
		n = keyed(path, "overrun:");
		if (n > 0)
			*overrun += n;
	}
}

static volatile sig_atomic_t reclaimer_stop;

static void stop_reclaimer(int sig)
{
	reclaimer_stop = 1;
}

/*
 * Start the reclaimer of the test PID, NAME: it pages PID's memory out
 * every PAGEOUT_MS until SIGTERM, then says how often and how much.
 */
static pid_t reclaimer(pid_t pid, const char *name)
{
	long passes = 0, asked = 0;
	pid_t child = fork();
	int pidfd;

	if (child)
		return child;
	signal(SIGTERM, stop_reclaimer);
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		say(INIT, "%s: no pidfd: %s\n", name, strerror(errno));
	while (pidfd >= 0 && !reclaimer_stop) {
		long bytes = pageout(pid, pidfd);

		if (bytes > 0) {
			passes++;
			asked += bytes >> 20;
		}
		usleep(PAGEOUT_MS * 1000);
	}
	say(INIT, "%s: reclaimer %ld passes %ld MiB\n", name, passes, asked);
	_exit(0);
}

/* Stop the reclaimer RPID; leave it behind if it does not stop. */
static void reap_reclaimer(pid_t rpid, const char *name)
{
	kill(rpid, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (waitpid(rpid, NULL, WNOHANG) == rpid)
			return;
		usleep(100 * 1000);
	}
	say(INIT, "%s: the reclaimer does not stop; going on\n", name);
	kill(rpid, SIGKILL);
}

/*
 * Run ARGV for at most BOUND seconds, copying what it prints, line by line
 * (a line longer than the buffer in pieces), and under reclaim if PAGEOUT.
 * NAME is the name its lines carry.  SIGALRM ends it at BOUND; if that
 * does not, 10 s later its group is killed and the init goes on, without
 * a verdict for it (kvm.sh then says it did not finish).
 */
static void run(char **argv, unsigned int bound, bool pageouts)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	time_t deadline = time(NULL) + bound + 10;
	long unmaps, ages, overrun;
	long pswpout = vmstat("pswpout"), pswpin = vmstat("pswpin");
	pid_t rpid = -1;
	bool stuck = false;
	char buf[900], name[128];
	size_t len = 0;
	FILE *in;
	pid_t pid;

	snprintf(name, sizeof(name), "%s%s", base, pageouts ? "+pageout" : "");
	clear_trace();
	in = spawn(argv, bound, &pid);
	if (in && pageouts)
		rpid = reclaimer(pid, name);
	while (in) {
		struct pollfd p = { .fd = fileno(in), .events = POLLIN };
		long left = deadline - time(NULL);
		char *nl;
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left * 1000) == 0) {
			say(INIT, "%s is stuck after %u s: killing it\n", name, bound);
			kill(-pid, SIGKILL);
			stuck = true;
			break;
		}
		n = read(p.fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += n;
		buf[len] = '\0';
		while ((nl = strchr(buf, '\n')) || len == sizeof(buf) - 1) {
			size_t used = nl ? (size_t)(nl - buf) + 1 : len;

			say("kvm-tests", "%s: %.*s%s", name, (int)used, buf,
			    nl ? "" : "\n");
			memmove(buf, buf + used, len - used + 1);
			len -= used;
		}
	}
	if (len)
		say("kvm-tests", "%s: %s\n", name, buf);
	if (in)
		fclose(in);
	if (rpid > 0)
		reap_reclaimer(rpid, name);
	/* A task stuck in the kernel does not die: do not wait for it. */
	for (int i = 0; stuck && i < 10; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			break;
		if (i == 9)
			say(INIT, "%s is still there; going on\n", name);
		sleep(1);
	}
	if (!stuck)
		ended(name, pid, bound);
	count(&unmaps, &ages, &overrun);
	say(INIT, "%s: kvm_unmap_hva_range %ld kvm_age_hva %ld overrun %ld\n",
	    name, unmaps, ages, overrun);
	if (pageouts)
		say(INIT, "%s: pageout pswpin %ld pswpout %ld\n", name,
		    vmstat("pswpin") - pswpin, vmstat("pswpout") - pswpout);
}

/*
 * The locks of KVM that lockdep saw taken under the notifier's map: the
 * direct dependencies of its class in /proc/lockdep whose names say kvm.
 */
static void map_deps(void)
{
	FILE *f = fopen("/proc/lockdep", "re");
	bool in_map = false;
	char line[512];

	while (f && fgets(line, sizeof(line), f)) {
		char *name = strstr(line, "] ");

		if (strncmp(line, " -> ", 4))
			in_map = strstr(line, ": mmu_notifier_invalidate_range_start");
		else if (in_map && name && strstr(name, "kvm"))
			say(INIT, "map -> %s", name + 2);
	}
	if (f)
		fclose(f);
}

int main(void)
{
	char line[1024], *argv[32];
	FILE *tests;

	mnt("proc", "/proc");
	mnt("sysfs", "/sys");
	mnt("devtmpfs", "/dev");
	mnt("debugfs", "/sys/kernel/debug");
	mnt("tracefs", TRACEFS);
	mnt("tmpfs", "/tmp");
	open_kmsg();
	setup_swap();

	put(TRACEFS "/buffer_size_kb", "8192");
	put(TRACEFS "/events/kvm/kvm_unmap_hva_range/enable", "1");
	put(TRACEFS "/events/kvm/kvm_age_hva/enable", "1");

	tests = fopen("/tests", "re");
	while (tests && fgets(line, sizeof(line), tests)) {
		char *tok = strtok(line, " \n");
		int argc = 0, bound;
		bool pageouts = false;

		if (!tok || *tok == '#')
			continue;
		bound = atoi(tok);
		while ((tok = strtok(NULL, " \n")) && argc < 31) {
			if (!argc && !strcmp(tok, "pageout"))
				pageouts = true;
			else
				argv[argc++] = tok;
		}
		argv[argc] = NULL;
		if (argc && bound > 0)
			run(argv, bound, pageouts);
	}
	map_deps();
	say(INIT, "done\n");
	end_boot();
	return 0;
}
