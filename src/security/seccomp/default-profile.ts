// docker's default seccomp profile (moby/profiles seccomp/default.json, the release that denies io_uring
// and AF_ALG/AF_VSOCK sockets), kept as themed groups: everything not allowed fails with EPERM.
// Names this libseccomp does not know are skipped when compiling, so listing newer or other-arch calls is safe.
import type { DockerSeccompFilter, DockerSeccompProfile, DockerSeccompRule } from './docker-profile';
import type { SeccompArg } from '../../runtime/spec';

const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

/** Always allowed, for any container, grouped by what they touch. */
const BASE: Record<string, string> = {
  files: `access chdir chmod chown chown32 close close_range copy_file_range creat dup dup2 dup3 faccessat faccessat2
    fadvise64 fadvise64_64 fallocate fchdir fchmod fchmodat fchmodat2 fchown fchown32 fchownat fcntl fcntl64 fdatasync
    flock fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64 futimesat getcwd getdents getdents64
    ioctl lchown lchown32 link linkat _llseek lseek lstat lstat64 mkdir mkdirat mknod mknodat name_to_handle_at
    newfstatat open openat openat2 pread64 preadv preadv2 pwrite64 pwritev pwritev2 read readahead readlink readlinkat
    readv rename renameat renameat2 rmdir sendfile sendfile64 splice stat stat64 statfs statfs64 statx symlink
    symlinkat sync sync_file_range syncfs tee truncate truncate64 umask unlink unlinkat utime utimensat
    utimensat_time64 utimes vmsplice write writev cachestat statmount listmount`,
  xattrs: `fgetxattr flistxattr fremovexattr fsetxattr getxattr getxattrat lgetxattr listxattr listxattrat llistxattr
    lremovexattr lsetxattr removexattr removexattrat setxattr setxattrat`,
  waiting: `epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old
    eventfd eventfd2 inotify_add_watch inotify_init inotify_init1 inotify_rm_watch fanotify_mark poll ppoll
    ppoll_time64 pselect6 pselect6_time64 select _newselect pause signalfd signalfd4 timerfd_create timerfd_gettime
    timerfd_gettime64 timerfd_settime timerfd_settime64`,
  // Linux AIO only: io_uring bypasses seccomp for the operations it runs, so it is not here.
  aio: `io_setup io_submit io_getevents io_pgetevents io_pgetevents_time64 io_cancel io_destroy ioprio_get ioprio_set`,
  processes: `execve execveat exit exit_group fork vfork wait4 waitid waitpid getpid getppid gettid getpgid getpgrp
    getsid setpgid setsid prctl prlimit64 getrlimit setrlimit ugetrlimit getrusage getpriority setpriority getcpu
    capget capset seccomp restart_syscall rseq set_tid_address set_robust_list get_robust_list set_thread_area
    get_thread_area pidfd_open pidfd_send_signal process_mrelease uname sysinfo times membarrier uretprobe
    riscv_hwprobe map_shadow_stack landlock_add_rule landlock_create_ruleset landlock_restrict_self`,
  identity: `getuid getuid32 geteuid geteuid32 getgid getgid32 getegid getegid32 getgroups getgroups32 getresuid
    getresuid32 getresgid getresgid32 setuid setuid32 setgid setgid32 setreuid setreuid32 setregid setregid32
    setresuid setresuid32 setresgid setresgid32 setfsuid setfsuid32 setfsgid setfsgid32 setgroups setgroups32`,
  signals: `alarm kill tkill tgkill rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn
    rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo sigaltstack sigprocmask sigreturn`,
  memory: `brk mmap mmap2 munmap mremap mprotect madvise mincore msync mlock mlock2 mlockall munlock munlockall mseal
    memfd_create memfd_secret pkey_alloc pkey_free pkey_mprotect remap_file_pages`,
  time: `adjtimex clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64
    clock_nanosleep clock_nanosleep_time64 gettimeofday nanosleep time getitimer setitimer timer_create timer_delete
    timer_getoverrun timer_gettime timer_gettime64 timer_settime timer_settime64`,
  scheduling: `futex futex_time64 futex_wait futex_wake futex_requeue futex_waitv sched_yield sched_getaffinity
    sched_setaffinity sched_getattr sched_setattr sched_getparam sched_setparam sched_getscheduler sched_setscheduler
    sched_get_priority_max sched_get_priority_min sched_rr_get_interval sched_rr_get_interval_time64 getrandom`,
  // socket(2) itself is allowed below, by address family.
  sockets: `accept accept4 bind connect listen shutdown getpeername getsockname getsockopt setsockopt socketpair
    socketcall recv recvfrom recvmsg recvmmsg recvmmsg_time64 send sendto sendmsg sendmmsg`,
  ipc: `pipe pipe2 ipc msgget msgsnd msgrcv msgctl semget semop semtimedop semtimedop_time64 semctl shmget shmat shmdt
    shmctl mq_open mq_unlink mq_timedsend mq_timedsend_time64 mq_timedreceive mq_timedreceive_time64 mq_notify
    mq_getsetattr`,
};

/** Calls a capability makes safe; the container gets them only while holding it (bounding set). */
const BY_CAPABILITY: Array<[cap: string, names: string]> = [
  ['CAP_DAC_READ_SEARCH', 'open_by_handle_at'],
  ['CAP_SYS_ADMIN', `bpf clone clone3 fanotify_init fsconfig fsmount fsopen fspick lookup_dcookie lsm_get_self_attr
    lsm_list_modules lsm_set_self_attr mount mount_setattr move_mount open_tree perf_event_open quotactl quotactl_fd
    setdomainname sethostname setns syslog umount umount2 unshare`],
  ['CAP_SYS_BOOT', 'reboot'],
  ['CAP_SYS_CHROOT', 'chroot'],
  ['CAP_SYS_MODULE', 'delete_module init_module finit_module'],
  ['CAP_SYS_PACCT', 'acct'],
  ['CAP_SYS_PTRACE', 'kcmp pidfd_getfd process_madvise process_vm_readv process_vm_writev ptrace'],
  ['CAP_SYS_RAWIO', 'iopl ioperm'],
  ['CAP_SYS_TIME', 'settimeofday stime clock_settime clock_settime64'],
  ['CAP_SYS_TTY_CONFIG', 'vhangup'],
  ['CAP_SYS_NICE', 'get_mempolicy mbind set_mempolicy set_mempolicy_home_node'],
  ['CAP_SYSLOG', 'syslog'],
  ['CAP_BPF', 'bpf'],
  ['CAP_PERFMON', 'perf_event_open'],
];

/** Architecture-specific calls, by docker's architecture names. */
const BY_ARCH: Array<[arches: string[], names: string]> = [
  [['ppc64le'], 'sync_file_range2 swapcontext'],
  [['arm', 'arm64'], 'arm_fadvise64_64 arm_sync_file_range sync_file_range2 breakpoint cacheflush set_tls'],
  [['amd64', 'x32'], 'arch_prctl'],
  [['amd64', 'x32', 'x86'], 'modify_ldt'],
  [['s390', 's390x'], 's390_pci_mmio_read s390_pci_mmio_write s390_runtime_instr'],
  [['riscv64'], 'riscv_flush_icache'],
];

const AF_ALG = 38;
const AF_VSOCK = 40;
/** clone(2) flags that create namespaces: CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET. */
const CLONE_NAMESPACE_FLAGS = 0x7e020000;
/** personality(2) values that only change how the process sees the system, plus 0xffffffff (query). */
const PERSONALITIES = [0x0 /* PER_LINUX */, 0x8 /* PER_LINUX32 */, 0x20000 /* UNAME26 */, 0x20008, 0xffffffff];

const rule = (names: string, more: Omit<DockerSeccompRule, 'names' | 'action'> = {}): DockerSeccompRule =>
  ({ names: words(names), action: 'SCMP_ACT_ALLOW', ...more });
const arg0 = (op: SeccompArg['op'], value: number): SeccompArg[] => [{ index: 0, value, op }];
const when = (includes: DockerSeccompFilter, excludes?: DockerSeccompFilter) => ({ includes, ...(excludes ? { excludes } : {}) });

export const DEFAULT_SECCOMP_PROFILE: DockerSeccompProfile = {
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 1, // EPERM
  archMap: [
    { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
    { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
    { architecture: 'SCMP_ARCH_S390X', subArchitectures: ['SCMP_ARCH_S390'] },
    { architecture: 'SCMP_ARCH_RISCV64' },
    { architecture: 'SCMP_ARCH_LOONGARCH64' },
  ],
  syscalls: [
    rule(Object.values(BASE).join(' ')),
    // Reading another process's memory needed CAP_SYS_PTRACE before 4.8 closed the seccomp bypass via ptrace.
    rule('process_vm_readv process_vm_writev ptrace', when({ minKernel: '4.8' })),
    // Every address family except AF_ALG (kernel crypto) and AF_VSOCK (host/guest sockets).
    rule('socket', { args: arg0('SCMP_CMP_LT', AF_ALG) }),
    rule('socket', { args: arg0('SCMP_CMP_EQ', AF_ALG + 1) }),
    rule('socket', { args: arg0('SCMP_CMP_GT', AF_VSOCK) }),
    ...PERSONALITIES.map((p) => rule('personality', { args: arg0('SCMP_CMP_EQ', p) })),
    ...BY_ARCH.map(([arches, names]) => rule(names, when({ arches }))),
    ...BY_CAPABILITY.map(([cap, names]) => rule(names, when({ caps: [cap] }))),
    // Without CAP_SYS_ADMIN: threads and processes, but no new namespaces (s390 swaps clone's first two arguments).
    // MASKED_EQ with value as the mask and valueTwo (0) as the expected result: no namespace flag set.
    rule('clone', { args: arg0('SCMP_CMP_MASKED_EQ', CLONE_NAMESPACE_FLAGS), excludes: { caps: ['CAP_SYS_ADMIN'], arches: ['s390', 's390x'] } }),
    rule('clone', { args: [{ index: 1, value: CLONE_NAMESPACE_FLAGS, op: 'SCMP_CMP_MASKED_EQ' }],
      ...when({ arches: ['s390', 's390x'] }, { caps: ['CAP_SYS_ADMIN'] }) }),
    // clone3 passes its flags in memory, out of the filter's reach: ENOSYS makes libcs fall back to clone.
    { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, excludes: { caps: ['CAP_SYS_ADMIN'] } },
  ],
};
