// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory zapped under running vCPUs: two vCPUs write every page of
 * their half of a memslot, pass after pass, while the host throws pages
 * of it away under them, with MADV_DONTNEED and by mapping fresh anonymous
 * memory over them (mmap MAP_FIXED, which unmaps the old pages).  Each
 * zap reaches KVM's notifier start and end, which must drop the guest's
 * mapping of the old pages.
 *
 * The guest, flat 32-bit protected mode without paging, checks each page
 * before writing it: it must hold the previous pass's number or, if the
 * host threw the page away since, zero; it counts the zeros.  The last
 * pass runs with the host quiet; then every page must hold its number
 * when the host reads it: a write that went to a page the host threw away
 * (a stale mapping in KVM) would be missing.  And the guest must have
 * seen zeros after its first pass, or the zaps never reached it.  An
 * exception in the guest is reported with its vector.
 *
 * Not run by make kvm: nested under QEMU's TCG (SVM), the guest crashes
 * now and then on the base kernel too (README.md says what was seen).
 * On a machine with KVM:
 *   gcc -static -O2 -pthread -o zap_test tests/kvm/zap_test.c && ./zap_test
 *
 * Exits 0 if all held, 1 if not, 4 (skip) without /dev/kvm.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#define VCPUS 2
#define PAGE 4096UL
#define PAGES 2048UL			/* per vCPU: 8 MiB each */
#define PASSES 12
#define MEM_GPA (16UL << 20)
#define PORT_PASS 0x10
#define PORT_BAD 0x11
#define PORT_VECTOR 0x12
#define VECTORS 32
#define STUBS_GPA 0x1000		/* a stub per exception vector */
#define IDT_GPA 0x2000
#define GDT_GPA 0x3000			/* null, code (8), data (16): flat */
#define STACK_GPA 0x8000		/* a page per vCPU, down from here */

/*
 * The guest: ESI the guest-physical address of its pages, EBX how many,
 * EDX the pass (from 1), EBP the zeros it found.  A bad page stops it.
 */
extern const char guest_code[], guest_code_end[];
asm(".pushsection .rodata\n"
    "guest_code:\n"
    ".code32\n"
    "1:	mov %esi, %edi\n"
    "	mov %ebx, %ecx\n"
    "2:	mov (%edi), %eax\n"
    "	test %eax, %eax\n"
    "	jnz 4f\n"
    "	inc %ebp\n"
    "	jmp 3f\n"
    "4:	inc %eax\n"
    "	cmp %edx, %eax\n"
    "	je 3f\n"
    "	mov %edi, %eax\n"
    "	outl %eax, $0x11\n"
    "	hlt\n"
    "3:	mov %edx, (%edi)\n"
    "	add $4096, %edi\n"
    "	dec %ecx\n"
    "	jnz 2b\n"
    "	mov %edx, %eax\n"
    "	outl %eax, $0x10\n"
    "	inc %edx\n"
    "	jmp 1b\n"
    ".code64\n"
    "guest_code_end:\n"
    ".popsection\n");

static int kvm, vm;
static char *code, *mem;
static atomic_int at_last;		/* vCPUs waiting for the last pass */
static atomic_int quiet;		/* the host stopped zapping */
static atomic_int failed;

struct vcpu {
	pthread_t thread;
	int id, fd;
	struct kvm_run *run;
	unsigned long zeros;
};

static void fail(const char *what)
{
	printf("FAIL %s: %s\n", what, strerror(errno));
	exit(1);
}

static void memslot(int slot, uint64_t gpa, void *hva, uint64_t size)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r))
		fail("KVM_SET_USER_MEMORY_REGION");
}

/*
 * An IDT whose gates lead to stubs that report their vector on
 * PORT_VECTOR and halt, so that an exception in the guest says what it
 * was instead of ending in a triple fault, and the GDT the gates need.
 */
static void idt_init(char *code)
{
	const uint64_t gdt[3] = { 0, 0x00cf9a000000ffffULL, 0x00cf92000000ffffULL };

	memcpy(code + GDT_GPA, gdt, sizeof(gdt));
	for (uint32_t v = 0; v < VECTORS; v++) {
		uint32_t stub = STUBS_GPA + v * 16;
		unsigned char *s = (unsigned char *)code + stub;
		uint32_t gate[2] = {
			(8 << 16) | (stub & 0xffff),
			(stub & 0xffff0000) | 0x8e00,	/* present 32-bit interrupt gate */
		};

		s[0] = 0xb8;				/* mov $v, %eax */
		memcpy(s + 1, &v, 4);
		s[5] = 0xe7;				/* out %eax, $PORT_VECTOR */
		s[6] = PORT_VECTOR;
		s[7] = 0xf4;				/* hlt */
		memcpy(code + IDT_GPA + v * 8, gate, sizeof(gate));
	}
}

/* Flat 4 GiB segments, protection on, paging off; the registers above. */
static void vcpu_init(struct vcpu *v)
{
	struct kvm_segment seg = {
		.base = 0, .limit = 0xffffffff, .selector = 16, .type = 3,
		.present = 1, .db = 1, .s = 1, .g = 1,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rip = 0, .rflags = 2, .rsp = STACK_GPA + v->id * PAGE,
		.rsi = MEM_GPA + v->id * PAGES * PAGE, .rbx = PAGES, .rdx = 1,
	};
	int size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);

	v->fd = ioctl(vm, KVM_CREATE_VCPU, v->id);
	if (v->fd < 0 || size <= 0)
		fail("KVM_CREATE_VCPU");
	v->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		fail("mmap of kvm_run");
	if (ioctl(v->fd, KVM_GET_SREGS, &sregs))
		fail("KVM_GET_SREGS");
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = seg;
	seg.selector = 8;
	seg.type = 11;
	sregs.cs = seg;
	sregs.cr0 |= 1;
	sregs.idt.base = IDT_GPA;
	sregs.idt.limit = VECTORS * 8 - 1;
	sregs.gdt.base = GDT_GPA;
	sregs.gdt.limit = 3 * 8 - 1;
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) || ioctl(v->fd, KVM_SET_REGS, &regs))
		fail("KVM_SET_SREGS/REGS");
}

/* Run a vCPU until its last pass ends; wait for the quiet before it. */
static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct kvm_regs regs;
	uint32_t val;

	for (;;) {
		if (ioctl(v->fd, KVM_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			printf("FAIL vCPU %d: KVM_RUN: %s\n", v->id, strerror(errno));
			break;
		}
		if (v->run->exit_reason != KVM_EXIT_IO) {
			ioctl(v->fd, KVM_GET_REGS, &regs);
			printf("FAIL vCPU %d: exit reason %u at %#llx\n", v->id,
			       v->run->exit_reason, regs.rip);
			break;
		}
		memcpy(&val, (char *)v->run + v->run->io.data_offset, sizeof(val));
		if (v->run->io.port == PORT_VECTOR) {
			uint32_t top[2];

			ioctl(v->fd, KVM_GET_REGS, &regs);
			/* EIP, or an error code and EIP: what the CPU pushed */
			memcpy(top, code + regs.rsp, sizeof(top));
			printf("FAIL vCPU %d: exception %u (stack %#x %#x), EDI %#llx, pass %llu\n",
			       v->id, val, top[0], top[1], regs.rdi, regs.rdx);
			break;
		}
		if (v->run->io.port == PORT_BAD) {
			uint32_t got;

			memcpy(&got, mem + val - MEM_GPA, sizeof(got));
			printf("FAIL vCPU %d: the page at %#x held neither 0 nor the last pass's number (the host reads %u)\n",
			       v->id, val, got);
			break;
		}
		if (val == PASSES - 1) {
			atomic_fetch_add(&at_last, 1);
			while (!atomic_load(&quiet))
				usleep(1000);
		} else if (val == PASSES) {
			if (ioctl(v->fd, KVM_GET_REGS, &regs))
				fail("KVM_GET_REGS");
			v->zeros = regs.rbp - PAGES;	/* the first pass's are not zaps */
			return NULL;
		}
	}
	atomic_store(&failed, 1);
	atomic_fetch_add(&at_last, 1);
	return NULL;
}

int main(void)
{
	const size_t size = VCPUS * PAGES * PAGE;
	unsigned long dontneed = 0, remap = 0, bad = 0, zeros = 0;
	struct vcpu vcpus[VCPUS];
	unsigned int seed = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("SKIP no /dev/kvm: %s\n", strerror(errno));
		return 4;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		fail("KVM_CREATE_VM");
	code = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED || mem == MAP_FAILED)
		fail("mmap");
	memcpy(code, guest_code, guest_code_end - guest_code);
	idt_init(code);
	memslot(0, 0, code, 65536);
	memslot(1, MEM_GPA, mem, size);
	for (int i = 0; i < VCPUS; i++) {
		vcpus[i].id = i;
		vcpu_init(&vcpus[i]);
	}
	for (int i = 0; i < VCPUS; i++)
		if (pthread_create(&vcpus[i].thread, NULL, vcpu_thread, &vcpus[i]))
			fail("pthread_create");

	/* Zap 64 KiB to 1 MiB at a time, anywhere, until the last pass. */
	while (atomic_load(&at_last) < VCPUS) {
		size_t len = (16UL << (rand_r(&seed) % 5)) * PAGE;
		char *at = mem + (rand_r(&seed) % ((size - len) / PAGE + 1)) * PAGE;

		if (rand_r(&seed) % 2) {
			if (madvise(at, len, MADV_DONTNEED))
				fail("madvise(MADV_DONTNEED)");
			dontneed++;
		} else {
			if (mmap(at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
				 MAP_ANONYMOUS | MAP_FIXED, -1, 0) != at)
				fail("mmap(MAP_FIXED)");
			remap++;
		}
		usleep(2000);
	}
	atomic_store(&quiet, 1);
	for (int i = 0; i < VCPUS; i++) {
		pthread_join(vcpus[i].thread, NULL);
		zeros += vcpus[i].zeros;
	}
	if (atomic_load(&failed))
		return 1;

	for (unsigned long p = 0; p < size / PAGE; p++) {
		uint32_t val;

		memcpy(&val, mem + p * PAGE, sizeof(val));
		if (val != PASSES && bad++ < 8)
			printf("FAIL the page at %#lx holds %u after the last pass, not %d\n",
			       MEM_GPA + p * PAGE, val, PASSES);
	}
	printf("%d vCPUs, %lu pages each, %d passes; zaps: %lu MADV_DONTNEED, %lu mmap(MAP_FIXED); the guest found %lu pages zeroed; after the last pass %lu pages wrong\n",
	       VCPUS, PAGES, PASSES, dontneed, remap, zeros, bad);
	if (bad || !zeros) {
		printf("FAIL %s\n", bad ? "writes of the guest were lost" :
		       "the guest never saw a zapped page");
		return 1;
	}
	return 0;
}
