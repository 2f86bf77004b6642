/* mydocker-rootless: puts an unprivileged user's CLI into the user + mount namespace its containers
 * live in, then execs the CLI there (src/rootless/enter.ts decides everything and calls this).
 *
 *   mydocker-rootless PIDFILE "UIDMAP" "GIDMAP" -- PROGRAM ARGS...
 *
 * The namespaces are held by a pause process (podman's model): overlay mounts and container state
 * made by one command are seen by the next. If PIDFILE names a live pause process we setns into
 * its namespaces; otherwise (under PIDFILE.lock, so two commands never make two) we make one:
 *
 *   this process                      child                              pause (grandchild)
 *   fork ───────────────────────────▶ unshare(USER|NS), write 'u'
 *   newuidmap/newgidmap child's pid
 *   write 'g' ──────────────────────▶ fork ─────────────────────────────▶ setsid, stdio /dev/null,
 *   ◀──────────────────────────────── pause pid, exit                     pause() until SIGTERM
 *   pid file (atomic), setns(user), setns(mnt), chdir back, execvp PROGRAM as uid 0 of the namespace
 * Any failure: one line "mydocker: rootless: ..." on stderr, exit 125. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAUSE_NAME "mydocker-pause"

static void die(const char *fmt, ...) {
  va_list ap;
  int e = errno;
  fputs("mydocker: rootless: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  if (e) fprintf(stderr, ": %s", strerror(e));
  fputc('\n', stderr);
  exit(125);
}

static int write_all(int fd, const void *buf, size_t n) {
  for (size_t off = 0; off < n;) {
    ssize_t w = write(fd, (const char *)buf + off, n - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    off += w;
  }
  return 0;
}

static int read_all(int fd, void *buf, size_t n) {
  for (size_t off = 0; off < n;) {
    ssize_t r = read(fd, (char *)buf + off, n - off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    off += r;
  }
  return 0;
}

/* The pause pid from PIDFILE if that process is still our pause process, else 0. A zombie is gone
 * (an init that reaps slowly keeps its comm readable), and so is a pid reused by another program. */
static pid_t live_pause(const char *pidfile) {
  char buf[32] = {0}, path[64], stat[256] = {0};
  int fd = open(pidfile, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  long pid = n > 0 ? strtol(buf, NULL, 10) : 0;
  if (pid <= 1) return 0;
  snprintf(path, sizeof path, "/proc/%ld/stat", pid);
  if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) return 0;
  n = read(fd, stat, sizeof stat - 1);
  close(fd);
  /* "PID (COMM) STATE ..." */
  const char *name = strchr(stat, '('), *end = strrchr(stat, ')');
  if (n <= 0 || !name || !end || end[1] != ' ' || end[2] == 'Z') return 0;
  if ((size_t)(end - name - 1) != strlen(PAUSE_NAME) || strncmp(name + 1, PAUSE_NAME, strlen(PAUSE_NAME)) != 0) return 0;
  return (pid_t)pid;
}

/* Runs newuidmap/newgidmap PID MAP...: the setuid helpers check the ranges against /etc/subuid. */
static int run_map_tool(const char *tool, pid_t pid, const char *map) {
  char *args[64], pidstr[16], *copy = strdup(map), *save = NULL;
  int n = 0;
  if (!copy) return -1;
  snprintf(pidstr, sizeof pidstr, "%d", pid);
  args[n++] = (char *)tool;
  args[n++] = pidstr;
  for (char *t = strtok_r(copy, " ", &save); t && n < 63; t = strtok_r(NULL, " ", &save)) args[n++] = t;
  args[n] = NULL;
  pid_t child = fork();
  if (child == 0) {
    execvp(tool, args);
    fprintf(stderr, "mydocker: rootless: cannot run %s: %s (install the uidmap package)\n", tool, strerror(errno));
    _exit(127);
  }
  free(copy);
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) < 0) return -1;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* fd 3: written once the name is set, so that no command ever sees the pause process under another name
 * (live_pause() would take it for gone and make a second one). */
#define READY_FD 3

static void pause_forever(void) {
  prctl(PR_SET_NAME, PAUSE_NAME);
  signal(SIGHUP, SIG_IGN); /* the terminal of the first command closing must not end everyone's containers */
  signal(SIGINT, SIG_IGN);
  if (write(READY_FD, "r", 1) == 1) close(READY_FD);
  for (;;) pause();
}

static void become_pause(int ready) {
  setsid();
  if (chdir("/") < 0) _exit(1);
  int null = open("/dev/null", O_RDWR);
  for (int fd = 0; fd < 3; fd++) dup2(null, fd);
  dup2(ready, READY_FD); /* without O_CLOEXEC: it crosses the exec */
  closefrom(READY_FD + 1);
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_UNBLOCK, &all, NULL);
  /* A command line of its own in ps, not the first command's (the exec keeps the namespaces). */
  execl("/proc/self/exe", PAUSE_NAME, "--pause", (char *)NULL);
  pause_forever();
}

static pid_t make_pause(const char *uidmap, const char *gidmap) {
  int up[2], down[2];
  if (pipe2(up, O_CLOEXEC) < 0 || pipe2(down, O_CLOEXEC) < 0) die("pipe");
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    char c = 0;
    close(up[0]);
    close(down[1]);
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) _exit(2);
    if (write_all(up[1], "u", 1) < 0 || read_all(down[0], &c, 1) < 0 || c != 'g') _exit(3);
    int ready[2];
    if (pipe(ready) < 0) _exit(4);
    pid_t pause_pid = fork();
    if (pause_pid == 0) become_pause(ready[1]);
    close(ready[1]);
    if (pause_pid < 0 || read_all(ready[0], &c, 1) < 0) _exit(4);
    _exit(write_all(up[1], &pause_pid, sizeof pause_pid) < 0 ? 4 : 0);
  }
  close(up[1]);
  close(down[0]);
  char c = 0;
  pid_t pause_pid = 0;
  if (read_all(up[0], &c, 1) < 0) {
    errno = 0;
    die("cannot create a user namespace (is unprivileged user namespace creation disabled?)");
  }
  if (run_map_tool("newuidmap", child, uidmap) < 0 || run_map_tool("newgidmap", child, gidmap) < 0) {
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    errno = 0;
    die("newuidmap/newgidmap refused the id maps \"%s\" / \"%s\" (check /etc/subuid and /etc/subgid)", uidmap, gidmap);
  }
  if (write_all(down[1], "g", 1) < 0 || read_all(up[0], &pause_pid, sizeof pause_pid) < 0) die("pause process did not start");
  waitpid(child, NULL, 0);
  close(up[0]);
  close(down[1]);
  return pause_pid;
}

static void write_pidfile(const char *pidfile, pid_t pid) {
  char tmp[PATH_MAX], buf[32];
  snprintf(tmp, sizeof tmp, "%s.%d", pidfile, getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int n = snprintf(buf, sizeof buf, "%d\n", pid);
  if (fd < 0 || write_all(fd, buf, n) < 0 || close(fd) < 0 || rename(tmp, pidfile) < 0) die("write %s", pidfile);
}

static int join(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/ns/user", pid);
  int userfd = open(path, O_RDONLY | O_CLOEXEC);
  snprintf(path, sizeof path, "/proc/%d/ns/mnt", pid);
  int mntfd = open(path, O_RDONLY | O_CLOEXEC);
  if (userfd < 0 || mntfd < 0 || setns(userfd, CLONE_NEWUSER) < 0) {
    if (userfd >= 0) close(userfd);
    if (mntfd >= 0) close(mntfd);
    return -1;
  }
  if (setns(mntfd, CLONE_NEWNS) < 0) die("join the mount namespace of pause process %d", pid);
  close(userfd);
  close(mntfd);
  /* The user's own groups have no ids in the namespace; root there has none. */
  if (setgroups(0, NULL) < 0 && errno != EPERM) die("setgroups");
  if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) die("become root of the user namespace");
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--pause") == 0) pause_forever();
  if (argc < 6 || strcmp(argv[4], "--") != 0) {
    fprintf(stderr, "usage: mydocker-rootless PIDFILE UIDMAP GIDMAP -- PROGRAM ARGS...\n");
    return 125;
  }
  const char *pidfile = argv[1];
  char cwd[PATH_MAX], lockpath[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "/");
  pid_t pid = live_pause(pidfile);
  if (!pid || join(pid) < 0) {
    snprintf(lockpath, sizeof lockpath, "%s.lock", pidfile);
    int lock = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0 || flock(lock, LOCK_EX) < 0) die("lock %s", lockpath);
    if (!(pid = live_pause(pidfile))) { /* another command may have made it while we waited */
      pid = make_pause(argv[2], argv[3]);
      write_pidfile(pidfile, pid);
    }
    close(lock);
    if (join(pid) < 0) die("join the user namespace of pause process %d", pid);
  }
  if (chdir(cwd) < 0 && chdir("/") < 0) die("chdir");
  execvp(argv[5], argv + 5);
  die("exec %s", argv[5]);
}
