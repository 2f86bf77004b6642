/* Everything between the rootfs and execve: names, limits, terminal, identity, privileges. */
#define _GNU_SOURCE
#include "msg.h"
#include "nsexec.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/keyctl.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static int write_file(const char *path, const char *value) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t n = strlen(value);
  ssize_t w = write(fd, value, n);
  int e = errno;
  close(fd);
  errno = e;
  return w == (ssize_t)n ? 0 : -1;
}

static int loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr = { 0 };
  strcpy(ifr.ifr_name, "lo");
  if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0) return fail("network", errno, "read flags of lo");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) return fail("network", errno, "bring lo up");
  close(s);
  LOGF("loopback", "\"ifname\":\"lo\"");
  return 0;
}

static int set_sysctl(const struct plan_kv *kv) {
  char path[PLAN_PATH_MAX + 16];
  int n = snprintf(path, sizeof path, "/proc/sys/%s", kv->key);
  for (int i = 10; i < n; i++)
    if (path[i] == '.') path[i] = '/';
  if (strstr(kv->key, "..") || write_file(path, kv->value) < 0)
    return fail("sysctl", errno ? errno : EINVAL, "set sysctl %s=%s", kv->key, kv->value);
  LOGF("sysctl", "\"key\":%s,\"value\":%s", msg_str(kv->key), msg_str(kv->value));
  return 0;
}

static int setup_terminal(const struct plan *p, int pty_sock) {
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC), unlock = 0;
  if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0) return fail("terminal", errno, "open /dev/ptmx");
  int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
  if (slave < 0) return fail("terminal", errno, "open pty slave");
  if (p->uid && fchown(slave, (uid_t)p->uid, (gid_t)-1) < 0) return fail("terminal", errno, "chown pty");
  if (p->console_rows) {
    struct winsize ws = { .ws_row = (unsigned short)p->console_rows, .ws_col = (unsigned short)p->console_cols };
    ioctl(slave, TIOCSWINSZ, &ws);
  }
  if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0) return fail("terminal", errno, "make pty the controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0) return fail("terminal", errno, "dup pty");
  if (slave > 2) close(slave);
  if (send_fd(pty_sock, master) < 0) return fail("terminal", errno, "hand over pty master");
  close(master);
  close(pty_sock);
  LOGF("terminal", "\"ctty\":true");
  return 0;
}

static int capset_all(const struct plan *p) {
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];
  for (int i = 0; i < 2; i++) {
    d[i].effective = (uint32_t)(p->cap_effective >> (32 * i));
    d[i].permitted = (uint32_t)(p->cap_permitted >> (32 * i));
    d[i].inheritable = (uint32_t)(p->cap_inheritable >> (32 * i));
  }
  if (syscall(SYS_capset, &h, d) < 0) return fail("capabilities", errno, "set capabilities");
  for (int cap = 0; cap < 64; cap++)
    if ((p->cap_ambient >> cap & 1) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      return fail("capabilities", errno, "raise ambient capability %d", cap);
  return 0;
}

static int drop_bounding(uint64_t keep) {
  for (int cap = 0; cap < 64; cap++) {
    if (keep >> cap & 1) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
      if (errno == EINVAL) break; /* past the kernel's last capability */
      return fail("capabilities", errno, "drop capability %d from the bounding set", cap);
    }
  }
  return 0;
}

static int set_identity(const struct plan *p) {
  size_t n = p->n_additional_gids;
  gid_t *gids = calloc(n ? n : 1, sizeof *gids);
  if (!gids) return fail("user", ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) gids[i] = (gid_t)p->additional_gids[i];
  int rc = setgroups(n, gids);
  free(gids);
  if (rc < 0) return fail("user", errno, "setgroups (%zu groups)", n);
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return fail("user", errno, "keep capabilities");
  if (setresgid((gid_t)p->gid, (gid_t)p->gid, (gid_t)p->gid) < 0) return fail("user", errno, "setgid %lu", (unsigned long)p->gid);
  if (setresuid((uid_t)p->uid, (uid_t)p->uid, (uid_t)p->uid) < 0) return fail("user", errno, "setuid %lu", (unsigned long)p->uid);
  prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  LOGF("user", "\"uid\":%lu,\"gid\":%lu,\"groups\":%zu", (unsigned long)p->uid, (unsigned long)p->gid, n);
  return 0;
}

/* A fresh session keyring, so the container never shares the host's (docker and runc do this). */
static int join_session_keyring(const char *name) {
  long id = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name);
  if (id < 0 && errno == ENOSYS) return 0; /* a kernel without keys: nothing to share */
  if (id < 0) return fail("keyring", errno, "join a new session keyring %s", name);
  /* possessor: all; the user inside: view, read, search (as runc makes it searchable) */
  if (syscall(SYS_keyctl, KEYCTL_SETPERM, id, 0x3f0b0000) < 0) return fail("keyring", errno, "set keyring permissions");
  LOGF("keyring", "\"name\":%s,\"id\":%ld", msg_str(name), id);
  return 0;
}

static int load_seccomp(const struct plan *p) {
  struct sock_fprog prog = { (unsigned short)(p->seccomp_len / 8), (struct sock_filter *)p->seccomp };
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned)p->seccomp_flags, &prog) < 0)
    return fail("seccomp", errno, "load seccomp filter (%zu instructions)", p->seccomp_len / 8);
  LOGF("seccomp", "\"instructions\":%zu,\"flags\":%lu", p->seccomp_len / 8, (unsigned long)p->seccomp_flags);
  return 0;
}

int setup_process(const struct plan *p, int pty_sock) {
  if (p->session_keyring && join_session_keyring(p->session_keyring) < 0) return -1;
  if (p->hostname && sethostname(p->hostname, strlen(p->hostname)) < 0)
    return fail("hostname", errno, "set hostname %s", p->hostname);
  if (p->hostname) LOGF("hostname", "\"hostname\":%s", msg_str(p->hostname));
  if (p->domainname && setdomainname(p->domainname, strlen(p->domainname)) < 0)
    return fail("hostname", errno, "set domainname %s", p->domainname);
  if (p->loopback_up && loopback_up() < 0) return -1;
  for (size_t i = 0; i < p->n_sysctls; i++)
    if (set_sysctl(&p->sysctls[i]) < 0) return -1;
  if (p->rootfs && finalize_rootfs(p) < 0) return -1;
  if (p->oom_score_adj && write_file("/proc/self/oom_score_adj", p->oom_score_adj) < 0)
    return fail("oom_score_adj", errno, "set oom_score_adj %s", p->oom_score_adj);
  for (size_t i = 0; i < p->n_rlimits; i++) {
    const struct plan_rlimit *l = &p->rlimits[i];
    struct rlimit r = { (rlim_t)l->soft, (rlim_t)l->hard };
    if (setrlimit((int)l->resource, &r) < 0)
      return fail("rlimit", errno, "set rlimit %lu to %llu:%llu", (unsigned long)l->resource,
                  (unsigned long long)l->soft, (unsigned long long)l->hard);
    LOGF("rlimit", "\"resource\":%lu,\"soft\":%llu,\"hard\":%llu", (unsigned long)l->resource,
         (unsigned long long)l->soft, (unsigned long long)l->hard);
  }
  if (p->terminal) {
    if (setup_terminal(p, pty_sock) < 0) return -1;
  } else if (setsid() < 0) {
    return fail("terminal", errno, "setsid");
  }
  if (p->has_umask) umask((mode_t)p->umask);
  if (p->cwd && chdir(p->cwd) < 0) return fail("cwd", errno, "chdir to cwd %s set in config.json", p->cwd);
  return 0;
}

/* Last, after `start` (the exec fifo and startContainer hooks need the init's privileges):
 * the bounding set, seccomp, the user, the capabilities, no_new_privs. */
int drop_privileges(const struct plan *p) {
  if (p->has_caps && drop_bounding(p->cap_bounding) < 0) return -1;
  /* Without no_new_privs the filter must go in while we still hold CAP_SYS_ADMIN. */
  if (p->seccomp && !p->no_new_privs && load_seccomp(p) < 0) return -1;
  if (set_identity(p) < 0) return -1;
  if (p->has_caps && capset_all(p) < 0) return -1;
  if (p->has_caps) LOGF("capabilities", "\"effective\":%llu,\"bounding\":%llu", (unsigned long long)p->cap_effective,
                        (unsigned long long)p->cap_bounding);
  if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return fail("no_new_privs", errno, "set no_new_privs");
  if (p->seccomp && p->no_new_privs && load_seccomp(p) < 0) return -1;
  return 0;
}

static const char *env_path(const struct plan *p) {
  for (size_t i = 0; i < p->n_envp; i++)
    if (strncmp(p->envp[i], "PATH=", 5) == 0) return p->envp[i] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

static int exec_error(const char *file, int e, int searched) {
  char reason[128];
  snprintf(reason, sizeof reason, "%s", strerror(e));
  reason[0] = (char)tolower((unsigned char)reason[0]); /* docker's wording: "permission denied" */
  if (searched && e == ENOENT) fail("exec", e, "exec: \"%s\": executable file not found in $PATH", file);
  else fail("exec", e, "exec: \"%s\": %s", file, reason);
  return e == ENOENT || e == ENOTDIR ? 127 : 126;
}

static char resolved[4096];

/* The command as execve will take it, found now (in $PATH when it has no slash): 0, or the exit
 * code docker gives a command that cannot run (127 not found, 126 not executable). */
int resolve_command(const struct plan *p) {
  const char *file = p->argv[0];
  struct stat st;
  if (strchr(file, '/')) {
    if (stat(file, &st) < 0) return exec_error(file, errno, 0);
    if (!S_ISREG(st.st_mode) || access(file, X_OK) < 0) return exec_error(file, EACCES, 0);
    snprintf(resolved, sizeof resolved, "%s", file);
    return 0;
  }
  int err = ENOENT;
  for (const char *d = env_path(p); d;) {
    const char *end = strchr(d, ':');
    size_t len = end ? (size_t)(end - d) : strlen(d);
    int n = snprintf(resolved, sizeof resolved, "%.*s/%s", (int)len, len ? d : ".", file);
    if (n < (int)sizeof resolved && stat(resolved, &st) == 0 && S_ISREG(st.st_mode)) {
      if (access(resolved, X_OK) == 0) return 0;
      err = EACCES;
    }
    d = end ? end + 1 : NULL;
  }
  return exec_error(file, err, 1);
}

void exec_command(const struct plan *p) {
  /* Only stdio and the fds the caller asked for survive: nothing of the host leaks in. */
  if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    for (int fd = 3; fd < 1024; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
  for (size_t i = 0; i < p->n_keep_fds; i++) fcntl((int)p->keep_fds[i], F_SETFD, 0);
  signal(SIGPIPE, SIG_DFL);
  LOGF("execve", "\"path\":%s", msg_str(resolved));
  execve(resolved, p->argv, p->envp);
  _exit(exec_error(p->argv[0], errno, 0));
}
