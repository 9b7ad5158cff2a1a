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
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>

static FILE *kmsg;

static void say(const char *prefix, const char *line)
{
	/* Before /dev/kmsg is open (a mount failed), the console. */
	FILE *out = kmsg ? kmsg : stdout;

	/* One write, one record: the kernel log keeps the line whole. */
	fprintf(out, "%s: %s", prefix, line);
	fflush(out);
}

static void mnt(const char *type, const char *dir)
{
	char msg[256];

	mkdir(dir, 0755);
	if (mount(type, dir, type, 0, NULL)) {
		snprintf(msg, sizeof(msg), "mount %s on %s: %s\n",
			 type, dir, strerror(errno));
		say("hmm-init", msg);
	}
}

int main(void)
{
	char *argv[] = { "/hmm-tests", "-T", "benchmark_thp_migration", NULL };
	char line[1024], msg[256];
	int fds[2], status;
	FILE *in;
	pid_t pid;

	mnt("proc", "/proc");
	mnt("sysfs", "/sys");
	mnt("devtmpfs", "/dev");
	mnt("debugfs", "/sys/kernel/debug");
	mnt("tmpfs", "/tmp");
	kmsg = fopen("/dev/kmsg", "w");
	if (!kmsg)
		kmsg = stdout;

	if (pipe(fds))
		return 1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		printf("exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	while (in && fgets(line, sizeof(line), in))
		say("hmm-tests", line);

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		snprintf(msg, sizeof(msg), "could not run %s: %s\n",
			 argv[0], strerror(errno));
	else if (WIFEXITED(status))
		snprintf(msg, sizeof(msg), "hmm-tests exited with %d\n",
			 WEXITSTATUS(status));
	else
		snprintf(msg, sizeof(msg), "hmm-tests killed by signal %d\n",
			 WTERMSIG(status));
	say("hmm-init", msg);

	/* Whether lockdep was still on at the end (a report turns it off). */
	in = fopen("/proc/lockdep_stats", "r");
	while (in && fgets(line, sizeof(line), in))
		if (strstr(line, "debug_locks:"))
			say("hmm-init", line + strspn(line, " "));
	sync();
	/*
	 * QEMU runs with -no-reboot, so a reboot ends it.  Not a power off:
	 * that needs ACPI, and a kernel whose ACPI tables did not load
	 * halts instead, leaving QEMU to its time bound.
	 */
	reboot(RB_AUTOBOOT);
	return 0;
}
