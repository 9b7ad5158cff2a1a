// SPDX-License-Identifier: GPL-2.0
/*
 * The init of scripts/kvm.sh's initramfs: mount what KVM's selftests need,
 * count KVM's notifier callbacks through their tracepoints, run each test
 * that /tests names (a line each: BOUND-IN-SECONDS NAME ARGS...), copy each
 * line it prints into the kernel log, say how it ended and how many
 * invalidations (kvm:kvm_unmap_hva_range) and agings (kvm:kvm_age_hva)
 * reached KVM meanwhile, say whether lockdep is still on, and reboot,
 * which ends QEMU.
 */
#define INIT "kvm-init"
#include "../init.h"
#include <stdlib.h>

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

/* The events of EVENT in the trace buffer, and the buffer's overruns. */
static long count(const char *event, long *overrun)
{
	char line[512];
	long n = 0;
	FILE *f;
	int cpu;

	f = fopen(TRACEFS "/trace", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, event))
			n++;
	if (f)
		fclose(f);
	*overrun = 0;
	for (cpu = 0; cpu < 64; cpu++) {
		char path[128];

		snprintf(path, sizeof(path), TRACEFS "/per_cpu/cpu%d/stats", cpu);
		f = fopen(path, "r");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "overrun: ", 9))
				*overrun += atol(line + 9);
		fclose(f);
	}
	return n;
}

/* Run ARGV for at most BOUND seconds, copying what it prints. */
static void run(char **argv, unsigned int bound)
{
	const char *name = argv[0] + 1;
	long unmaps, ages, overrun;
	char line[1024];
	FILE *in;
	pid_t pid;

	clear_trace();
	in = spawn(argv, bound, &pid);
	while (in && fgets(line, sizeof(line), in))
		say("kvm-tests", "%s: %s", name, line);
	if (in)
		fclose(in);
	ended(name, pid, bound);
	unmaps = count("kvm_unmap_hva_range:", &overrun);
	ages = count("kvm_age_hva:", &overrun);
	say(INIT, "%s: kvm_unmap_hva_range %ld kvm_age_hva %ld overrun %ld\n",
	    name, unmaps, ages, overrun);
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

	tests = fopen("/tests", "r");
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
	say(INIT, "done\n");
	end_boot();
	return 0;
}
