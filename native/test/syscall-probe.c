/* syscall-probe: a static test helper copied into containers. For each name on the command line it
 * makes that system call with harmless arguments and prints "name=OK" or "name=<ERRNO NAME>", so
 * tests can tell a seccomp or capability refusal (EPERM) from the kernel's own answer. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long probe(const char *name) {
  if (!strcmp(name, "unshare-user")) { /* in a child: the probes after it must run where we started */
    pid_t pid = fork();
    if (pid == 0) _exit(unshare(CLONE_NEWUSER) < 0 ? errno : 0);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) return -1;
    errno = WEXITSTATUS(status);
    return errno ? -1 : 0;
  }
  if (!strcmp(name, "keyctl")) return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
  if (!strcmp(name, "bpf")) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = BPF_MAP_TYPE_ARRAY; a.key_size = 4; a.value_size = 4; a.max_entries = 1;
    long fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof a);
    if (fd >= 0) close((int)fd);
    return fd;
  }
  if (!strcmp(name, "perf_event_open")) {
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a; a.type = PERF_TYPE_SOFTWARE; a.config = PERF_COUNT_SW_CPU_CLOCK; a.exclude_kernel = 1;
    long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
    if (fd >= 0) close((int)fd);
    return fd;
  }
  if (!strcmp(name, "userfaultfd")) {
    long fd = syscall(SYS_userfaultfd, O_CLOEXEC);
    if (fd >= 0) close((int)fd);
    return fd;
  }
  if (!strcmp(name, "io_uring_setup")) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    long fd = syscall(SYS_io_uring_setup, 1, &p);
    if (fd >= 0) close((int)fd);
    return fd;
  }
  if (!strcmp(name, "mount")) {
    mkdir("/.probe-mnt", 0700);
    long rc = mount("none", "/.probe-mnt", "tmpfs", 0, NULL);
    int e = errno;
    if (rc == 0) umount("/.probe-mnt");
    rmdir("/.probe-mnt");
    errno = e;
    return rc;
  }
  /* In a pid namespace the kernel answers CAD_OFF with EINVAL: nothing reboots. */
  if (!strcmp(name, "reboot")) return syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, 0);
  if (!strcmp(name, "keyring")) {
    long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
    if (id >= 0) printf("keyring=%ld\n", id);
    return id < 0 ? id : 0;
  }
  errno = ENOSYS;
  return -2;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    errno = 0;
    long rc = probe(argv[i]);
    if (rc == -2 && errno == ENOSYS && strcmp(argv[i], "keyring")) { printf("%s=UNKNOWN\n", argv[i]); continue; }
    if (!strcmp(argv[i], "keyring") && rc >= 0) continue;
    printf("%s=%s\n", argv[i], rc >= 0 ? "OK" : strerrorname_np(errno));
  }
  return 0;
}
