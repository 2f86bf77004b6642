/* nsexec: executes an InitPlan (plan.h) computed by TypeScript. No policy lives here.
 *
 *   TypeScript (runtime/nsexec.ts)        stage-0 (this process)              container init (child)
 *   spawn, plan on fd 3  ───────────────▶ parse, setns joins, clone(NEW*) ──▶ block on fd 3
 *                        ◀── {"type":"pid"}
 *   cgroup, network set-up; write "G" ─────────────────────────────────────▶ cgroupns, rootfs, pivot_root,
 *                        ◀──────────────────────────────────── {"type":"log"|"error"|"ready"}  process set-up
 *                                         foreground: relay pty, wait  ◀──── execve (exec fifo first, if any)
 *                        ◀── {"type":"exit"} (foreground) or stage-0 exits at once (detach)
 * Any failure is one {"type":"error","stage","errno","message"} line; the child then exits 1
 * (126/127 for execve failures, as docker does). */
#define _GNU_SOURCE
#include "msg.h"
#include "nsexec.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/sched.h>
#include <unistd.h>

extern char **environ;

/* CVE-2019-5736: a container process must never be able to write to the binary that runs as
 * root on the host. Run from a sealed in-memory copy; /proc/self/exe then points at it. Returns
 * only when already sealed (0) or when the copy cannot be made (-1: the caller refuses to run). */
static int ensure_sealed_copy(char **argv) {
  int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0) return -1;
  int seals = fcntl(self, F_GET_SEALS);
  if (seals >= 0 && (seals & F_SEAL_WRITE)) { close(self); return 0; }
  struct stat st;
  int mfd = memfd_create("mydocker-nsexec", MFD_CLOEXEC | MFD_ALLOW_SEALING), e;
  if (mfd < 0 || fstat(self, &st) < 0) goto out;
  for (off_t off = 0; off < st.st_size;)
    if (sendfile(mfd, self, &off, st.st_size - off) <= 0) goto out;
  if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) == 0)
    fexecve(mfd, argv, environ);
out:
  e = errno;
  close(self);
  if (mfd >= 0) close(mfd);
  errno = e;
  return -1;
}

static int read_full(int fd, unsigned char *buf, size_t n) {
  for (size_t got = 0; got < n;) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    got += r;
  }
  return 0;
}

static int read_plan(int fd, struct plan *p) {
  unsigned char head[12], *buf;
  const char *why;
  if (read_full(fd, head, sizeof head) < 0) return fail("plan", EIO, "cannot read the init plan");
  uint32_t body = head[8] | head[9] << 8 | head[10] << 16 | (uint32_t)head[11] << 24;
  if (memcmp(head, PLAN_MAGIC, 8) != 0 || body > PLAN_MAX_BYTES - 12)
    return fail("plan", EINVAL, "init plan: bad header");
  if (!(buf = malloc(body + 12))) return fail("plan", ENOMEM, "init plan: out of memory");
  memcpy(buf, head, 12);
  if (read_full(fd, buf + 12, body) < 0) { free(buf); return fail("plan", EIO, "init plan: truncated"); }
  int rc = plan_parse(buf, body + 12, p, &why);
  free(buf);
  return rc < 0 ? fail("plan", EINVAL, "init plan: %s", why) : 0;
}

static const struct { uint64_t flag; const char *name; } ns_names[] = {
  { CLONE_NEWUSER, "user" }, { CLONE_NEWIPC, "ipc" }, { CLONE_NEWUTS, "uts" }, { CLONE_NEWNET, "net" },
  { CLONE_NEWPID, "pid" }, { CLONE_NEWCGROUP, "cgroup" }, { CLONE_NEWNS, "mnt" },
};

/* setns into existing namespaces: open every path first (a joined mount ns hides the others). */
static int join_namespaces(const struct plan *p) {
  size_t n = p->n_ns_join;
  int *fds = calloc(n, sizeof *fds);
  if (!fds) return fail("namespaces", ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++)
    if ((fds[i] = open(p->ns_join[i].path, O_RDONLY | O_CLOEXEC)) < 0)
      return fail("namespaces", errno, "open namespace %s", p->ns_join[i].path);
  for (size_t k = 0; k < sizeof ns_names / sizeof ns_names[0]; k++)
    for (size_t i = 0; i < n; i++) {
      if (p->ns_join[i].type != ns_names[k].flag) continue;
      if (setns(fds[i], (int)p->ns_join[i].type) < 0)
        return fail("namespaces", errno, "join %s namespace %s", ns_names[k].name, p->ns_join[i].path);
      LOGF("setns", "\"ns\":%s,\"path\":%s", msg_str(ns_names[k].name), msg_str(p->ns_join[i].path));
    }
  for (size_t i = 0; i < n; i++) close(fds[i]);
  free(fds);
  return 0;
}

static int read_exact(int fd, void *buf, size_t n) {
  return read_full(fd, buf, n);
}

/* "G"; with hooks, then u32le length and the container's state JSON they get on stdin. */
static int wait_go(const struct plan *p) {
  unsigned char c = 0, len[4];
  if (read_exact(msg_fd, &c, 1) < 0 || c != 'G') return -1;
  if (!p->n_hooks) return 0;
  if (read_exact(msg_fd, len, 4) < 0) return -1;
  uint32_t n = len[0] | len[1] << 8 | len[2] << 16 | (uint32_t)len[3] << 24;
  char *state = n < (1u << 20) ? calloc(1, n + 1) : NULL;
  if (!state || (n && read_exact(msg_fd, state, n) < 0)) return -1;
  hook_state = state;
  return 0;
}

/* cgroup files are opened before any setns: a joined mount namespace (exec) would show the
 * container's own /sys/fs/cgroup instead of the host's. */
static int *cg_fds, n_cg_fds, cg2_fd = -1, fifo_fd = -1;

static int open_cgroups(const struct plan *p) {
  if (p->n_cgroup_join && !(cg_fds = calloc(p->n_cgroup_join, sizeof *cg_fds))) return fail("cgroups", ENOMEM, "out of memory");
  for (size_t i = 0; i < p->n_cgroup_join; i++, n_cg_fds++)
    if ((cg_fds[i] = open(p->cgroup_join[i], O_WRONLY | O_CLOEXEC)) < 0) return fail("cgroups", errno, "open %s", p->cgroup_join[i]);
  if (p->cgroup2_dir && (cg2_fd = open(p->cgroup2_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    return fail("cgroups", errno, "open cgroup %s", p->cgroup2_dir);
  return 0;
}

/* The init puts itself in its v1 cgroups (it is single-threaded: "0" means this task). */
static int join_cgroups(const struct plan *p) {
  for (int i = 0; i < n_cg_fds; i++) {
    if (write(cg_fds[i], "0", 1) != 1) return fail("cgroups", errno, "join cgroup %s", p->cgroup_join[i]);
    close(cg_fds[i]);
    LOGF("cgroup-join", "\"path\":%s", msg_str(p->cgroup_join[i]));
  }
  return 0;
}

/* fork-like clone into new namespaces; with a cgroup2 directory the child starts inside it. */
static pid_t clone_init(const struct plan *p) {
  pid_t pid;
  if (cg2_fd >= 0) {
    struct clone_args args = { .flags = p->ns_create | CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)cg2_fd };
    pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) return fail("namespaces", errno, "clone3 into cgroup %s", p->cgroup2_dir);
  } else {
    pid = (pid_t)syscall(SYS_clone, (unsigned long)(p->ns_create | SIGCHLD), NULL, NULL, NULL, NULL);
    if (pid < 0) return fail("namespaces", errno, "clone with new namespaces");
  }
  return pid;
}

/* A new user namespace gets its maps from us, its privileged parent, before the child may go on. */
static int write_id_maps(const struct plan *p, pid_t pid) {
  const char *files[2] = { "uid_map", "gid_map" }, *maps[2] = { p->uid_map, p->gid_map };
  for (int i = 0; i < 2; i++) {
    if (!maps[i]) continue;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", pid, files[i]);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    size_t n = strlen(maps[i]);
    ssize_t w = fd < 0 ? -1 : write(fd, maps[i], n);
    int e = errno;
    if (fd >= 0) close(fd);
    if (w != (ssize_t)n) return fail("userns", e, "write %s %s", files[i], maps[i]);
    LOGF("idmap", "\"file\":%s,\"map\":%s", msg_str(files[i]), msg_str(maps[i]));
  }
  return 0;
}

/* In a user namespace we start unmapped (nobody): become its root, whose caps we already hold. */
static int become_ns_root(void) {
  if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) return fail("userns", errno, "become root of the user namespace");
  return 0;
}

static void __attribute__((noreturn)) child_main(struct plan *p, int pty_sock) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (join_cgroups(p) < 0) _exit(1);
  if (wait_go(p) < 0) _exit(1); /* the caller went away or aborted */
  int in_userns = (p->ns_create & CLONE_NEWUSER) || p->uid_map;
  for (size_t i = 0; i < p->n_ns_join; i++) in_userns |= p->ns_join[i].type == CLONE_NEWUSER;
  if (in_userns && become_ns_root() < 0) _exit(1);
  if (p->cgroupns_late) {
    if (unshare(CLONE_NEWCGROUP) < 0) { fail("namespaces", errno, "unshare cgroup namespace"); _exit(1); }
    LOGF("unshare", "\"ns\":\"cgroup\"");
  }
  if (p->rootfs && setup_rootfs(p) < 0) _exit(1);
  if (setup_process(p, pty_sock) < 0) _exit(1);
  int not_runnable = resolve_command(p);
  if (not_runnable) _exit(not_runnable);
  msg_send("ready", NULL);
  if (fifo_fd >= 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fifo_fd);
    int w = open(path, O_WRONLY | O_CLOEXEC); /* blocks until `start` opens the other end */
    if (w < 0 || write(w, "0", 1) != 1) { fail("start", errno, "exec fifo"); _exit(1); }
    close(w);
    close(fifo_fd);
  }
  if (run_hooks(p, HOOK_START_CONTAINER) < 0 || drop_privileges(p) < 0) _exit(1);
  exec_command(p);
}

/* exec connects before it joins the container's namespaces (the caller's socket path does not
 * exist in the container's mount namespace); create connects when it has the master, so a caller
 * that accepts and then waits for the fd (the monitor) is not kept waiting meanwhile. */
static int connect_console_socket(const char *path) {
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen(path) >= sizeof addr.sun_path) return fail("console", ENAMETOOLONG, "console socket path too long");
  strcpy(addr.sun_path, path);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof addr) < 0)
    return fail("console", errno, "connect to console socket %s", path);
  return s;
}

int main(int argc, char **argv) {
  (void)argc;
  /* the sync socket: fd 3 unless the caller keeps 3.. for the container (--preserve-fds) */
  msg_fd = argc > 1 ? atoi(argv[1]) : 3;
  if (ensure_sealed_copy(argv) < 0) return fail("init", errno, "cannot run from a sealed copy of nsexec"), 1;
  struct plan plan;
  if (read_plan(msg_fd, &plan) < 0) return 1;
  struct plan *p = &plan;
  msg_log = p->log;
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (open_cgroups(p) < 0) return 1;
  /* opened before any namespace change: the state dir may be out of reach of a user-namespaced init */
  if (p->exec_fifo && (fifo_fd = open(p->exec_fifo, O_PATH | O_CLOEXEC)) < 0)
    return fail("rootfs", errno, "open exec fifo %s", p->exec_fifo), 1;
  int joins_mnt = 0, console = -1;
  for (size_t i = 0; i < p->n_ns_join; i++) joins_mnt |= p->ns_join[i].type == CLONE_NEWNS;
  if (p->console_socket && p->terminal && joins_mnt && (console = connect_console_socket(p->console_socket)) < 0) return 1;
  if (p->n_ns_join && join_namespaces(p) < 0) return 1;

  /* Block the signals we relay before clone so none is lost between clone and signalfd. */
  sigset_t relay;
  sigemptyset(&relay);
  int sigs[] = { SIGCHLD, SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaddset(&relay, sigs[i]);
  sigprocmask(SIG_BLOCK, &relay, NULL);

  int sp[2] = { -1, -1 };
  if (p->terminal && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
    return fail("terminal", errno, "socketpair"), 1;
  pid_t pid = clone_init(p);
  if (pid < 0) return 1;
  if (pid > 0) {
    for (int i = 0; i < n_cg_fds; i++) close(cg_fds[i]);
    if (cg2_fd >= 0) close(cg2_fd);
  }
  if (pid == 0) {
    if (sp[0] >= 0) close(sp[0]);
    child_main(p, sp[1]);
  }
  if (write_id_maps(p, pid) < 0) {
    kill(pid, SIGKILL);
    return 1;
  }
  for (size_t k = 0; k < sizeof ns_names / sizeof ns_names[0]; k++)
    if (p->ns_create & ns_names[k].flag) LOGF("clone", "\"ns\":%s", msg_str(ns_names[k].name));
  msg_send("pid", "\"pid\":%d", pid);
  signal(SIGPIPE, SIG_IGN);

  int master = -1;
  if (p->terminal) {
    close(sp[1]);
    master = recv_fd(sp[0]); /* -1 when the child failed before allocating the pty */
    close(sp[0]);
  }
  if (p->detach) {
    if (master >= 0 && p->console_socket && console < 0 && (console = connect_console_socket(p->console_socket)) < 0) {
      kill(pid, SIGKILL);
      return 1;
    }
    if (master >= 0 && console >= 0 && send_fd(console, master) < 0) {
      fail("console", errno, "send pty master to %s", p->console_socket);
      kill(pid, SIGKILL);
      return 1;
    }
    return 0; /* the child is re-parented to the caller's subreaper */
  }
  int sigfd = signalfd(-1, &relay, SFD_CLOEXEC);
  int detached = 0;
  int status = wait_foreground(pid, master, p->stdin_relay, sigfd, p->detach_keys, &detached);
  if (detached) {
    msg_send("exit", "\"detached\":true");
    return 0;
  }
  if (WIFSIGNALED(status)) {
    msg_send("exit", "\"signal\":%d", WTERMSIG(status));
    return 128 + WTERMSIG(status);
  }
  msg_send("exit", "\"code\":%d", WEXITSTATUS(status));
  return WEXITSTATUS(status);
}
