/* mydocker-monitor: the per-container parent (conmon's role). TypeScript decides every path and
 * option (src/monitor/spawn.ts); this process only executes:
 *   - becomes a session leader and the child subreaper, so the container init is re-parented to it
 *   - owns the container's stdio (pipes, or the pty master received on a console socket)
 *   - writes docker json-file logs (with size rotation), serves an attach socket
 *   - when the init exits: records exit code, signal and OOM in an exit file (atomic rename),
 *     tells attached clients, and runs the exit command unless an attached client took cleanup over
 *   - with a health check: keeps its timer and runs the health command when due (docs/health.md)
 * fd 3 is the runtime's sync socket, handed through untouched to nsexec; fd 4 tells the caller
 * "ready" once the attach socket listens. Attach frames: 1 type byte, u32le length, payload
 * (docs/monitor.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <limits.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

#define MAX_CLIENTS 16
#define MAX_ARGS 32

static struct {
  const char *log, *exit_file, *attach, *console;
  const char *oom_files[4];
  int n_oom;
  char *exit_argv[MAX_ARGS];
  int n_exit;
  long max_size, max_files;
  int tty, open_stdin;
  int daemon; /* -D: fork at once, report the survivor's pid on fd 4, let the first process exit */
} opt = { .max_files = 1 };

static int log_fd = -1;
static long log_size;
static int clients[MAX_CLIENTS], client_cleans[MAX_CLIENTS], n_clients;
static int in_fd = -1;   /* container stdin: pipe write end or the pty master */
static struct winsize want_size; /* last size a client asked for, applied when the master arrives */

static void die(const char *what) {
  fprintf(stderr, "mydocker-monitor: %s: %s\n", what, strerror(errno));
  exit(1);
}

static int listen_unix(const char *path) {
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  if (strlen(path) >= sizeof a.sun_path) { errno = ENAMETOOLONG; return -1; }
  strcpy(a.sun_path, path);
  unlink(path);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 8) < 0) return -1;
  chmod(path, 0600);
  return s;
}

/* ---- json-file log ---------------------------------------------------------------------- */

static void open_log(void) {
  log_fd = open(opt.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  struct stat st;
  log_size = log_fd >= 0 && fstat(log_fd, &st) == 0 ? st.st_size : 0;
}

static void rotate(void) {
  char from[4096], to[4096];
  close(log_fd);
  if (opt.max_files <= 1) {
    if (truncate(opt.log, 0) < 0) { /* reopened below: the next write reports nothing either */ }
  } else {
    for (long i = opt.max_files - 1; i >= 1; i--) {
      snprintf(to, sizeof to, "%s.%ld", opt.log, i);
      if (i == 1) snprintf(from, sizeof from, "%s", opt.log);
      else snprintf(from, sizeof from, "%s.%ld", opt.log, i - 1);
      rename(from, to);
    }
  }
  open_log();
}

static void log_line(const char *stream, const char *data, size_t n) {
  char buf[65536 * 6 + 256];
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t o = (size_t)snprintf(buf, sizeof buf, "{\"log\":\"");
  o += json_escape(buf + o, sizeof buf - o - 128, data, n);
  o += (size_t)sprintf(buf + o, "\",\"stream\":\"%s\",\"time\":\"", stream);
  o += strftime(buf + o, 64, "%Y-%m-%dT%H:%M:%S", &tm);
  o += (size_t)sprintf(buf + o, ".%09ldZ\"}\n", ts.tv_nsec);
  if (opt.max_size > 0 && log_size > 0 && log_size + (long)o > opt.max_size) rotate();
  if (log_fd >= 0 && write_all(log_fd, buf, o) == 0) log_size += (long)o;
}

/* docker's json-file keeps one entry per line; a chunk without a newline is flushed as is. */
static void log_chunk(const char *stream, const char *data, size_t n) {
  while (n) {
    const char *nl = memchr(data, '\n', n);
    size_t len = nl ? (size_t)(nl - data) + 1 : n;
    if (len > 65536) len = 65536;
    log_line(stream, data, len);
    data += len;
    n -= len;
  }
}

/* ---- attach clients ------------------------------------------------------------------------ */

/* A slow attach client must never stall the container (its output pipe would fill and block it):
 * what a client cannot take at once waits in a buffer of its own, flushed when it can write; a
 * client more than MAX_PENDING behind is dropped (the log file still has everything). */
#define MAX_PENDING (1u << 20)
static struct { char *buf; size_t len; } pending[MAX_CLIENTS];

static void drop_client(int i) {
  close(clients[i]);
  free(pending[i].buf);
  n_clients--;
  clients[i] = clients[n_clients];
  client_cleans[i] = client_cleans[n_clients];
  pending[i] = pending[n_clients];
  pending[n_clients].buf = NULL;
  pending[n_clients].len = 0;
}

/* Sends what it can now; returns -1 when the client is gone. */
static int flush_client(int i) {
  while (pending[i].len) {
    ssize_t w = send(clients[i], pending[i].buf, pending[i].len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    if (w <= 0) return -1;
    memmove(pending[i].buf, pending[i].buf + w, pending[i].len - (size_t)w);
    pending[i].len -= (size_t)w;
  }
  free(pending[i].buf);
  pending[i].buf = NULL;
  return 0;
}

static int queue_bytes(int i, const void *data, size_t n) {
  if (pending[i].len + n > MAX_PENDING) return -1;
  char *nb = realloc(pending[i].buf, pending[i].len + n);
  if (!nb) return -1;
  memcpy(nb + pending[i].len, data, n);
  pending[i].buf = nb;
  pending[i].len += n;
  return 0;
}

static int send_frame(int i, char type, const void *data, uint32_t n) {
  unsigned char h[5] = { (unsigned char)type, n & 0xff, n >> 8 & 0xff, n >> 16 & 0xff, n >> 24 & 0xff };
  return queue_bytes(i, h, 5) < 0 || queue_bytes(i, data, n) < 0 ? -1 : flush_client(i);
}

static void broadcast(char type, const char *data, size_t n) {
  for (int i = n_clients - 1; i >= 0; i--)
    if (send_frame(i, type, data, (uint32_t)n) < 0) drop_client(i);
}

/* Reads one frame from client i; returns -1 when the client is gone. */
static int client_frame(int i) {
  unsigned char h[5];
  char buf[65536];
  if (recv(clients[i], h, 5, MSG_WAITALL) != 5) return -1;
  uint32_t n = h[1] | h[2] << 8 | h[3] << 16 | (uint32_t)h[4] << 24;
  if (n > sizeof buf || (n && recv(clients[i], buf, n, MSG_WAITALL) != (ssize_t)n)) return -1;
  switch (h[0]) {
  case 'H': /* hello: bit 1 = this client cleans up after the exit */
    client_cleans[i] = n >= 1 && (buf[0] & 2);
    break;
  case 'I':
    if (in_fd >= 0) write_all(in_fd, buf, n);
    break;
  case 'C':
    if (in_fd >= 0 && !opt.tty) { close(in_fd); in_fd = -1; }
    break;
  case 'W':
    if (opt.tty && n == 4) {
      want_size.ws_row = (unsigned short)((buf[0] & 0xff) | (buf[1] & 0xff) << 8);
      want_size.ws_col = (unsigned short)((buf[2] & 0xff) | (buf[3] & 0xff) << 8);
      if (in_fd >= 0) ioctl(in_fd, TIOCSWINSZ, &want_size);
    }
    break;
  default:
    return -1;
  }
  return 0;
}

/* ---- health checks --------------------------------------------------------------------------
 * The monitor only keeps time. When a check is due it runs the health command (`mydocker internal
 * healthcheck ID`: probe, record, print the delay in ms until the next run) under a reaper of its
 * own: a subreaper, so whatever the command leaves (an nsexec whose parent died) is re-parented
 * there and never here, where any child other than the runtime is the container init. One check
 * at a time; none while nothing is configured (no timer at all). */
static struct {
  char *argv[MAX_ARGS];
  int n;
  long first_ms, interval_ms;
  pid_t pid;      /* the reaper while a check runs */
  int out;        /* its stdout: the next delay */
  long long due;  /* CLOCK_MONOTONIC ms */
} health = { .out = -1 };

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static volatile pid_t health_child;
static void forward_signal(int sig) {
  if (health_child > 0) kill(health_child, sig);
}

static void close_from(int first) {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, first, ~0U, 0) == 0) return;
#endif
  for (int fd = first; fd < 1024; fd++) close(fd);
}

/* The forked reaper: runs the command, reaps everything, exits with the command's status.
 * SIGTERM (the container stopped) is passed on to the command. */
static void health_reaper(int out_w, const sigset_t *blocked) {
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  int null = open("/dev/null", O_RDWR);
  dup2(null, 0), dup2(out_w, 1), dup2(null, 2);
  close_from(3);
  signal(SIGPIPE, SIG_DFL);
  struct sigaction sa = { .sa_handler = forward_signal };
  sigaction(SIGTERM, &sa, NULL);
  sigprocmask(SIG_UNBLOCK, blocked, NULL);
  pid_t c = fork();
  if (c == 0) {
    execv(health.argv[0], health.argv);
    _exit(127);
  }
  health_child = c;
  int st, code = c < 0 ? 1 : 0;
  pid_t r;
  while ((r = wait(&st)) > 0 || (r < 0 && errno == EINTR))
    if (r == c) code = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
  _exit(code);
}

static void start_health(const sigset_t *blocked) {
  int p[2];
  pid_t pid = -1;
  if (pipe2(p, O_CLOEXEC) == 0 && (pid = fork()) == 0) health_reaper(p[1], blocked);
  if (pid < 0) { /* try again after an interval */
    health.due = now_ms() + health.interval_ms;
    return;
  }
  close(p[1]);
  health.pid = pid;
  health.out = p[0];
}

/* The check's reaper exited: it said when to run next (a few bytes, already in the pipe). */
static void health_done(void) {
  char text[32] = { 0 };
  fcntl(health.out, F_SETFL, O_NONBLOCK);
  ssize_t r = read(health.out, text, sizeof text - 1);
  long delay = r > 0 ? strtol(text, NULL, 10) : 0;
  close(health.out);
  health.out = -1;
  health.pid = 0;
  health.due = now_ms() + (delay > 0 ? delay : health.interval_ms);
}

/* The container stopped: a running check is told to stop and waited for (nothing left behind). */
static void stop_health(void) {
  if (!health.pid) return;
  kill(health.pid, SIGTERM);
  for (int waited = 0; waited < 5000; waited += 20) {
    if (waitpid(health.pid, NULL, WNOHANG) == health.pid) { health.pid = 0; return; }
    nanosleep(&(struct timespec){ 0, 20 * 1000000L }, NULL);
  }
  kill(health.pid, SIGKILL);
  while (waitpid(health.pid, NULL, 0) < 0 && errno == EINTR) {}
  health.pid = 0;
}

/* ---- exit ------------------------------------------------------------------------------------- */

static int oom_killed(void) {
  for (int i = 0; i < opt.n_oom; i++) {
    FILE *f = fopen(opt.oom_files[i], "re");
    char key[64];
    long long v;
    while (f && fscanf(f, "%63s %lld", key, &v) == 2)
      if (strcmp(key, "oom_kill") == 0 && v > 0) { fclose(f); return 1; }
    if (f) fclose(f);
  }
  return 0;
}

static void write_exit_file(const char *json) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", opt.exit_file);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  write_all(fd, json, strlen(json));
  fsync(fd);
  close(fd);
  rename(tmp, opt.exit_file);
}

static void run_exit_command(void) {
  if (!opt.n_exit) return;
  pid_t p = fork();
  if (p == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0), dup2(null, 1), dup2(null, 2);
    execv(opt.exit_argv[0], opt.exit_argv);
    _exit(127);
  }
  while (p > 0 && waitpid(p, NULL, 0) < 0 && errno == EINTR) {}
}

static void too_many(const char *what) {
  fprintf(stderr, "mydocker-monitor: too many %s\n", what);
  exit(2);
}

static void usage(void) {
  fputs("usage: mydocker-monitor [-D] -x EXITFILE -a ATTACHSOCK [-l LOG [-S MAXSIZE] [-N MAXFILES]] [-t -c CONSOLESOCK] [-i] "
        "[-o OOMFILE]... [-e EXITCMD [-E ARG]...] "
        "[-h FIRSTMS -H INTERVALMS -k HEALTHCMD [-K ARG]...] -- NSEXEC\n", stderr);
  exit(2);
}

int main(int argc, char **argv) {
  int c;
  while ((c = getopt(argc, argv, "Dl:S:N:x:a:c:tio:e:E:h:H:k:K:")) != -1) {
    switch (c) {
    case 'D': opt.daemon = 1; break;
    case 'l': opt.log = optarg; break;
    case 'S': opt.max_size = atol(optarg); break;
    case 'N': opt.max_files = atol(optarg); break;
    case 'x': opt.exit_file = optarg; break;
    case 'a': opt.attach = optarg; break;
    case 'c': opt.console = optarg; break;
    case 't': opt.tty = 1; break;
    case 'i': opt.open_stdin = 1; break;
    /* Refused, never cut short: a dropped OOM file or exit argument would fail silently later. */
    case 'o': if (opt.n_oom >= 4) too_many("OOM files"); opt.oom_files[opt.n_oom++] = optarg; break;
    case 'e': opt.exit_argv[0] = optarg; opt.n_exit = 1; break;
    case 'E': if (!opt.n_exit || opt.n_exit >= MAX_ARGS - 1) too_many("exit command arguments"); opt.exit_argv[opt.n_exit++] = optarg; break;
    case 'h': health.first_ms = atol(optarg); break;
    case 'H': health.interval_ms = atol(optarg); break;
    case 'k': health.argv[0] = optarg; health.n = 1; break;
    case 'K': if (!health.n || health.n >= MAX_ARGS - 1) too_many("health command arguments"); health.argv[health.n++] = optarg; break;
    default: usage();
    }
  }
  if (optind >= argc || !opt.exit_file || !opt.attach || (opt.tty && !opt.console)) usage();
  if (health.n && health.interval_ms <= 0) usage();
  /* rotated names (LOG.N) and the exit file's temp name must fit the 4096-byte buffers */
  if ((opt.log && strlen(opt.log) > 4000) || strlen(opt.exit_file) > 4000) too_many("bytes in a path");

  if (opt.daemon) {
    /* The caller spawned us without fork (src/monitor/spawn.ts) and reaps this first process at once;
     * the survivor, re-parented to init, is the monitor. */
    pid_t d = fork();
    if (d < 0) die("fork");
    if (d > 0) _exit(0);
    /* the survivor says its own pid, so the pid always comes before its "M" on the same fd */
    int32_t pid = getpid();
    if (write(4, &pid, sizeof pid) != (ssize_t)sizeof pid) { /* the caller is gone: the monitor runs anyway */ }
  }
  setsid();
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  if (chdir("/") < 0) die("chdir");
  signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int sigfd = signalfd(-1, &set, SFD_CLOEXEC);
  if (opt.log) open_log();

  int attach = listen_unix(opt.attach);
  int console = opt.tty ? listen_unix(opt.console) : -1;
  if (attach < 0 || (opt.tty && console < 0)) die("listen");
  int out[2] = { -1, -1 }, err[2] = { -1, -1 }, in[2] = { -1, -1 };
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (!opt.tty && (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)) die("pipe");
  if (!opt.tty && opt.open_stdin && pipe2(in, O_CLOEXEC) < 0) die("pipe");

  pid_t runtime = fork();
  if (runtime < 0) die("fork");
  if (runtime == 0) {
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    dup2(in[0] >= 0 ? in[0] : null, 0);
    dup2(out[1] >= 0 ? out[1] : null, 1);
    dup2(err[1] >= 0 ? err[1] : null, 2);
    execv(argv[optind], argv + optind); /* fd 3 (the runtime socket) is inherited as is */
    _exit(127);
  }
  close(3);
  if (out[1] >= 0) close(out[1]), close(err[1]);
  if (in[0] >= 0) close(in[0]);
  in_fd = in[1];
  if (write(4, "M", 1) != 1) { /* the caller is gone: run anyway, it will be repaired */ }
  close(4);

  int out_fd = out[0], err_fd = err[0], master = -1;
  int status = 0, init_exited = 0;
  char buf[65536];
  health.due = now_ms() + health.first_ms;
  while (!init_exited) {
    struct pollfd p[4 + MAX_CLIENTS];
    int n = 0;
    p[n++] = (struct pollfd){ sigfd, POLLIN, 0 };
    p[n++] = (struct pollfd){ attach, POLLIN, 0 };
    p[n++] = (struct pollfd){ console >= 0 ? console : out_fd, POLLIN, 0 };
    p[n++] = (struct pollfd){ err_fd, POLLIN, 0 };
    int polled = n_clients; /* a client accepted below has no pollfd in this round */
    for (int i = 0; i < polled; i++) p[n++] = (struct pollfd){ clients[i], (short)(POLLIN | (pending[i].len ? POLLOUT : 0)), 0 };
    int timeout = -1;
    if (health.n && !health.pid) {
      long long wait = health.due - now_ms();
      timeout = wait <= 0 ? 0 : wait > INT_MAX ? INT_MAX : (int)wait;
    }
    if (poll(p, (nfds_t)n, timeout) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (health.n && !health.pid && now_ms() >= health.due) start_health(&set);
    if (p[1].revents & POLLIN) {
      int cl = accept4(attach, NULL, NULL, SOCK_CLOEXEC);
      if (cl >= 0 && n_clients < MAX_CLIENTS) { clients[n_clients] = cl; client_cleans[n_clients++] = 0; }
      else if (cl >= 0) close(cl);
    }
    if (p[2].revents && console >= 0) { /* nsexec hands over the pty master */
      int s = accept4(console, NULL, NULL, SOCK_CLOEXEC);
      master = s >= 0 ? recv_fd(s) : -1;
      if (s >= 0) close(s);
      if (master >= 0) {
        close(console);
        unlink(opt.console);
        console = -1;
        out_fd = in_fd = master;
        if (want_size.ws_row) ioctl(master, TIOCSWINSZ, &want_size);
      }
    } else if (p[2].revents && out_fd >= 0) {
      ssize_t r = read(out_fd, buf, sizeof buf);
      if (r > 0) { log_chunk("stdout", buf, (size_t)r); broadcast('O', buf, (size_t)r); }
      else if (r == 0 || (errno != EINTR && errno != EAGAIN)) { if (out_fd != master) close(out_fd); out_fd = -1; }
    }
    if (p[3].revents && err_fd >= 0) {
      ssize_t r = read(err_fd, buf, sizeof buf);
      if (r > 0) { log_chunk("stderr", buf, (size_t)r); broadcast('E', buf, (size_t)r); }
      else if (r == 0 || (errno != EINTR && errno != EAGAIN)) { close(err_fd); err_fd = -1; }
    }
    for (int i = polled - 1; i >= 0; i--) {
      short ev = p[4 + i].revents;
      if (((ev & POLLOUT) && flush_client(i) < 0) || ((ev & (POLLIN | POLLHUP | POLLERR)) && client_frame(i) < 0)) drop_client(i);
    }
    if (p[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sigfd, &si, sizeof si) != sizeof si) continue;
      pid_t r;
      int st;
      while ((r = waitpid(-1, &st, WNOHANG)) > 0) {
        if (health.pid && r == health.pid) {
          health_done();
        } else if (r == runtime) {
          /* stage-0 is done; a failed stage-0 leaves no init behind (it kills one it made) */
          runtime = -1;
          if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) status = st, init_exited = 1;
        } else {
          status = st;
          init_exited = 1;
        }
      }
    }
  }
  /* drain what the container wrote last */
  for (int fds[2] = { out_fd, err_fd }, k = 0; k < 2; k++) {
    if (fds[k] < 0) continue;
    fcntl(fds[k], F_SETFL, fcntl(fds[k], F_GETFL) | O_NONBLOCK);
    ssize_t r;
    while ((r = read(fds[k], buf, sizeof buf)) > 0) {
      log_chunk(k ? "stderr" : "stdout", buf, (size_t)r);
      broadcast(k ? 'E' : 'O', buf, (size_t)r);
    }
  }
  char json[256], when[64];
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  int code = sig ? 128 + sig : WEXITSTATUS(status);
  snprintf(json, sizeof json, "{\"exitCode\":%d,\"signal\":%d,\"oomKilled\":%s,\"finishedAt\":\"%s.%09ldZ\"}\n", code, sig,
           oom_killed() ? "true" : "false", when, ts.tv_nsec);
  write_exit_file(json);
  int client_cleans_up = 0;
  for (int i = 0; i < n_clients; i++) client_cleans_up |= client_cleans[i];
  broadcast('X', json, strlen(json));
  /* Let clients read to the end before the socket goes: a client writing (a resize) into a
   * closed socket would get EPIPE and lose the output still unread. They close after the exit. */
  int shut[MAX_CLIENTS] = { 0 };
  for (int waited = 0; n_clients && waited < 2000; waited += 50) {
    struct pollfd p[MAX_CLIENTS];
    for (int i = 0; i < n_clients; i++) {
      if (!pending[i].len && !shut[i]) shutdown(clients[i], SHUT_WR), shut[i] = 1;
      p[i] = (struct pollfd){ clients[i], (short)(POLLIN | (pending[i].len ? POLLOUT : 0)), 0 };
    }
    if (poll(p, (nfds_t)n_clients, 50) <= 0) continue;
    for (int i = n_clients - 1; i >= 0; i--) {
      int gone = (p[i].revents & POLLOUT) && flush_client(i) < 0;
      if (!gone && (p[i].revents & (POLLIN | POLLHUP | POLLERR))) gone = recv(clients[i], buf, sizeof buf, MSG_DONTWAIT) <= 0;
      if (gone) {
        drop_client(i);
        shut[i] = shut[n_clients];
      }
    }
  }
  for (int i = n_clients - 1; i >= 0; i--) drop_client(i);
  unlink(opt.attach);
  stop_health();
  if (!client_cleans_up) run_exit_command();
  return 0;
}
