# SPDX-License-Identifier: GPL-2.0
# kunit.py --qemu_config for the x86_64 lockdep kernel with i915 built in.
#
# Differences from kunit.py's own x86_64.py, each measured (see README.md):
# - no '-bios qboot.rom': QEMU's default SeaBIOS sets up the PCI bus that
#   the kernel then only has to read, where qboot leaves it to the kernel;
# - '-accel kvm -accel tcg': KVM where /dev/kvm works, TCG elsewhere.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-accel', 'kvm', '-accel', 'tcg'])
