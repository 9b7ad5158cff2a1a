/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the inits of the x86_64 boots share (tests/fault, tests/hmm and
 * tests/kvm): lines into the kernel log, mounts, writes to tracefs and
 * debugfs files, swap on zram, /proc/vmstat, and the end of the boot.
 * Define INIT, the prefix of the init's own lines, before including it.
 * The helpers are static inline, so that an init need not use them all.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>

/* The kernel log once open_kmsg() opened it; the console before that. */
static int kmsg = STDOUT_FILENO;

static inline void say(const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void say(const char *prefix, const char *fmt, ...)
{
	char buf[1024];	/* /dev/kmsg refuses longer records */
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%s: ", prefix);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	/* One write, one record: the kernel log keeps the line whole. */
	if (write(kmsg, buf, strlen(buf)) < 0)
		perror("write to the kernel log");
}

static inline void open_kmsg(void)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd >= 0)
		kmsg = fd;
}

static inline void mnt(const char *type, const char *dir)
{
	mkdir(dir, 0755);
	if (mount(type, dir, type, 0, NULL))
		say(INIT, "cannot mount %s on %s: %s\n",
		    type, dir, strerror(errno));
}

/* Write VAL to PATH; whether it all went. */
static inline int put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	int ok = fd >= 0 && write(fd, val, strlen(val)) == (ssize_t)strlen(val);

	if (!ok)
		say(INIT, "cannot write %s to %s: %s\n",
		    val, path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

#define ZRAM "/dev/zram0"
#define SWAP_BYTES (512UL << 20)

/*
 * Swap on a zram disk of SWAP_BYTES (CONFIG_ZRAM): its header, as mkswap(8)
 * writes it (version 1, the last page, no bad pages, the magic at the end
 * of the first page), then swapon.
 */
static inline void setup_swap(void)
{
	static char page[4096];
	uint32_t hdr[2] = { 1, SWAP_BYTES / sizeof(page) - 1 };
	char size[32];
	int fd;

	snprintf(size, sizeof(size), "%lu", SWAP_BYTES);
	if (!put("/sys/block/zram0/disksize", size))
		return;
	memcpy(page + 1024, hdr, sizeof(hdr));
	memcpy(page + sizeof(page) - 10, "SWAPSPACE2", 10);
	fd = open(ZRAM, O_WRONLY);
	if (fd < 0 || write(fd, page, sizeof(page)) != sizeof(page) ||
	    fsync(fd) || swapon(ZRAM, 0))
		say(INIT, "cannot swap on " ZRAM ": %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
}

/*
 * The value of KEY in PATH, a file of "KEY VALUE" lines (/proc/vmstat, a
 * cgroup's memory.events), -1 if none.
 */
static inline long keyed(const char *path, const char *key)
{
	FILE *f = fopen(path, "re");
	size_t len = strlen(key);
	char line[128];
	long val = -1;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ' ')
			val = atol(line + len + 1);
	if (f)
		fclose(f);
	return val;
}

/* The value of a /proc/vmstat counter, -1 if there is none. */
static inline long vmstat(const char *name)
{
	return keyed("/proc/vmstat", name);
}

/*
 * Start ARGV in a process group of its own, its stdout and stderr into a
 * pipe, for at most BOUND seconds (0: no bound); the pipe's reading end
 * (NULL if there is none), and the child in PID.
 */
static inline FILE *spawn(char *const argv[], unsigned int bound, pid_t *pid)
{
	int fds[2];

	*pid = -1;
	if (pipe(fds))
		return NULL;
	*pid = fork();
	if (*pid == 0) {
		setpgid(0, 0);
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		alarm(bound);	/* kept across execv(): SIGALRM ends it */
		execv(argv[0], argv);
		dprintf(STDOUT_FILENO, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	return fdopen(fds[0], "r");
}

/* Wait for PID, started by spawn() as NAME, and say how it ended. */
static inline void ended(const char *name, pid_t pid, unsigned int bound)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		say(INIT, "could not run %s: %s\n", name, strerror(errno));
	else if (WIFEXITED(status))
		say(INIT, "%s exited with %d\n", name, WEXITSTATUS(status));
	else if (bound && WTERMSIG(status) == SIGALRM)
		say(INIT, "%s timed out after %u s\n", name, bound);
	else
		say(INIT, "%s killed by signal %d\n", name, WTERMSIG(status));
}

/*
 * Say whether lockdep is still on (a report turns it off), and reboot.
 * QEMU runs with -no-reboot, so a reboot ends it.  Not a power off: that
 * needs ACPI, and a kernel whose ACPI tables did not load halts instead,
 * leaving QEMU to its time bound.
 */
static inline void end_boot(void)
{
	char line[256];
	FILE *in = fopen("/proc/lockdep_stats", "r");

	while (in && fgets(line, sizeof(line), in))
		if (strstr(line, "debug_locks:"))
			say(INIT, "%s", line + strspn(line, " "));
	sync();
	reboot(RB_AUTOBOOT);
}
