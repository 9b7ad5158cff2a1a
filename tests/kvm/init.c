// SPDX-License-Identifier: GPL-2.0
/*
 * The init of scripts/kvm.sh's initramfs: mount what KVM's selftests need,
 * count KVM's notifier callbacks through their tracepoints, run each test
 * that /tests names (a line each: BOUND-IN-SECONDS NAME ARGS...), copy each
 * line it prints into the kernel log, say how it ended and how many
 * notifier starts (kvm:kvm_unmap_hva_range) and agings (kvm:kvm_age_hva)
 * reached KVM meanwhile (lower bounds if the trace buffer overran), then
 * which of KVM's locks lockdep saw taken under the notifier's map, whether
 * lockdep is still on, and reboot, which ends QEMU.
 */
#define INIT "kvm-init"
#include "../init.h"
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#define TRACEFS "/sys/kernel/tracing"

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

		snprintf(path, sizeof(path), TRACEFS "/per_cpu/cpu%d/stats", cpu);
		f = fopen(path, "re");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "overrun: ", 9))
				*overrun += atol(line + 9);
		fclose(f);
	}
}

/*
 * Run ARGV for at most BOUND seconds, copying what it prints, line by line
 * (a line longer than the buffer in pieces).  SIGALRM ends it at BOUND; if
 * that does not, 10 s later its group is killed and the init goes on,
 * without a verdict for it (kvm.sh then says it did not finish).
 */
static void run(char **argv, unsigned int bound)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	time_t deadline = time(NULL) + bound + 10;
	long unmaps, ages, overrun;
	bool stuck = false;
	char buf[900];
	size_t len = 0;
	FILE *in;
	pid_t pid;

	clear_trace();
	in = spawn(argv, bound, &pid);
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

	put(TRACEFS "/buffer_size_kb", "8192");
	put(TRACEFS "/events/kvm/kvm_unmap_hva_range/enable", "1");
	put(TRACEFS "/events/kvm/kvm_age_hva/enable", "1");

	tests = fopen("/tests", "re");
	while (tests && fgets(line, sizeof(line), tests)) {
		char *tok = strtok(line, " \n");
		int argc = 0, bound;

		if (!tok || *tok == '#')
			continue;
		bound = atoi(tok);
		while ((tok = strtok(NULL, " \n")) && argc < 31)
			argv[argc++] = tok;
		argv[argc] = NULL;
		if (argc && bound > 0)
			run(argv, bound);
	}
	map_deps();
	say(INIT, "done\n");
	end_boot();
	return 0;
}
