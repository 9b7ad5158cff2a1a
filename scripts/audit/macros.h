/* Iterator macros that Coccinelle cannot parse without a hint. */
#define drm_exec_until_all_locked(exec) for (;;)
#define kvm_for_each_vcpu(idx, vcpup, kvm) for (;;)
#define kvm_for_each_memslot_in_hva_range(node, slots, start, last) for (;;)
