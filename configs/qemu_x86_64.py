# SPDX-License-Identifier: GPL-2.0
# kunit.py --qemu_config for the x86_64 lockdep kernels (kunit.sh x86_64, x86_64-rt).
#
# Differs from kunit.py's own x86_64.py in three things: no '-bios qboot.rom'
# (QEMU's default SeaBIOS instead; see README.md for what was measured), and
# two CPUs, so that the suites run on SMP (stress.sh asks for four), and
# panic=-1: a panic reboots, which ends QEMU (-no-reboot) at once instead
# of leaving it halted until kunit.py's bound.
# TCG, not KVM: the project's machines have a /dev/kvm on which the guest
# takes minutes to decompress its kernel; kunit.sh runs kunit.py with
# scripts/tcg first in PATH, whose qemu-system-x86_64 drops kunit.py's
# '-accel kvm -accel hvf'.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0 panic=-1',
			   extra_qemu_params=['-smp', '2'])
