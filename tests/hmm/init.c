// SPDX-License-Identifier: GPL-2.0
/*
 * The init of scripts/hmm.sh's initramfs: mount what hmm-tests needs, run
 * /hmm-tests, copy each line it prints into the kernel log (so that it
 * stands whole and in order among the kernel's own messages), say how it
 * ended and whether lockdep is still on, and reboot, which ends QEMU.
 *
 * benchmark_thp_migration is left out (-T): it times migrations, and its
 * 120 s bound is a race with the machine's speed on a KASAN and lockdep
 * kernel under TCG, not a verdict on the notifiers.
 */
#define INIT "hmm-init"
#include "../init.h"

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
	end_boot();
	return 0;
}
