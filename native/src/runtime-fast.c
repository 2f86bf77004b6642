/* mydocker-runtime: the runc command line's entry. containerd's shim calls the runtime four times or
 * more per container, and each Node start costs tens of milliseconds: the verbs that only read or end
 * what `create` recorded — state, start, kill, delete — are done here, from the facts the TypeScript
 * runtime wrote for them (<root>/<id>/fast, see src/runtime/fast-facts.ts). Everything else, and any
 * case these facts do not cover (hooks to run, kill --all, an unknown flag, no such container), goes
 * to the TypeScript runtime (bin/mydocker-runtime-node) unchanged: it decides, this only executes. */
#define _GNU_SOURCE
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_CGROUPS 32

static struct {
  long pid;
  char start[32], freezer[PATH_MAX], procs[PATH_MAX], state[16384];
  char cgroups[MAX_CGROUPS][PATH_MAX], prune[MAX_CGROUPS][PATH_MAX];
  int n_cgroups, n_prune, freezer_v2, slow;
} f;

static const char *root = "/run/mydocker-runtime", *log_file;
static char **all_argv;

static void __attribute__((noreturn)) slow_path(void) {
  char exe[PATH_MAX], node_entry[PATH_MAX + 64];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n < 0) { perror("mydocker-runtime: readlink /proc/self/exe"); exit(1); }
  exe[n] = 0;
  /* <package>/native/build/mydocker-runtime -> <package>/bin/mydocker-runtime-node */
  snprintf(node_entry, sizeof node_entry, "%s/../../bin/mydocker-runtime-node", dirname(exe));
  unsetenv("NODE_EXTRA_CA_CERTS"); /* parsed at every Node start (~45 ms); the runtime never speaks TLS */
  int argc = 0;
  while (all_argv[argc]) argc++;
  char **args = calloc((size_t)argc + 3, sizeof *args);
  if (!args) exit(1);
  args[0] = "node";
  args[1] = "--";
  args[2] = node_entry;
  for (int i = 1; i < argc; i++) args[i + 2] = all_argv[i];
  execvp("node", args);
  perror("mydocker-runtime: exec node");
  exit(1);
}

/* runc's callers read errors from stderr (podman) or the last JSON line of --log (containerd). */
static int __attribute__((noreturn)) die(const char *msg) {
  fprintf(stderr, "mydocker-runtime: %s\n", msg);
  if (log_file) {
    FILE *l = fopen(log_file, "a");
    char esc[1024], when[64];
    time_t t = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    json_escape(esc, sizeof esc, msg, strlen(msg));
    if (l) fprintf(l, "{\"level\":\"error\",\"time\":\"%s\",\"msg\":\"%s\"}\n", when, esc), fclose(l);
  }
  exit(1);
}

/* The facts file: "key value" lines; anything unexpected sends the call to the full runtime. */
static int load_facts(const char *dir) {
  char path[PATH_MAX], line[16384 + 64];
  if (snprintf(path, sizeof path, "%s/fast", dir) >= (int)sizeof path) return -1;
  FILE *in = fopen(path, "r");
  if (!in) return -1;
  while (fgets(line, sizeof line, in)) {
    char *v = strchr(line, ' ');
    size_t len = strlen(line);
    if (!v || line[len - 1] != '\n') { fclose(in); return -1; }
    *v++ = 0;
    line[len - 1] = 0;
    if (!strcmp(line, "pid")) f.pid = atol(v);
    else if (!strcmp(line, "start")) snprintf(f.start, sizeof f.start, "%s", v);
    else if (!strcmp(line, "freezer-v1") || !strcmp(line, "freezer-v2")) {
      snprintf(f.freezer, sizeof f.freezer, "%s", v);
      f.freezer_v2 = line[9] == '2';
    } else if (!strcmp(line, "procs")) snprintf(f.procs, sizeof f.procs, "%s", v);
    else if (!strcmp(line, "cgroup") && f.n_cgroups < MAX_CGROUPS) snprintf(f.cgroups[f.n_cgroups++], PATH_MAX, "%s", v);
    else if (!strcmp(line, "prune") && f.n_prune < MAX_CGROUPS) snprintf(f.prune[f.n_prune++], PATH_MAX, "%s", v);
    /* more cgroups than we hold: the full runtime, never a partial delete */
    else if (!strcmp(line, "slow") || !strcmp(line, "cgroup") || !strcmp(line, "prune")) f.slow = 1;
    else if (!strcmp(line, "state")) snprintf(f.state, sizeof f.state, "%s", v);
  }
  fclose(in);
  return f.pid > 0 && f.start[0] && f.state[0] ? 0 : -1;
}

static int alive(void) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%ld/stat", f.pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X') return 0; /* a zombie is gone */
  p += 2;
  for (int field = 3; field < 22 && p; field++) p = strchr(p + 1, ' '); /* field 22: start time */
  return p && !strncmp(p + 1, f.start, strlen(f.start)) && (p[1 + strlen(f.start)] == ' ');
}

static int frozen(void) {
  char path[PATH_MAX + 32], buf[32] = "";
  if (!f.freezer[0]) return 0;
  snprintf(path, sizeof path, "%s/%s", f.freezer, f.freezer_v2 ? "cgroup.freeze" : "freezer.state");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  return n > 0 && (f.freezer_v2 ? buf[0] == '1' : !strncmp(buf, "FROZEN", 6));
}

static void thaw(void) {
  char path[PATH_MAX + 32];
  if (!f.freezer[0]) return;
  snprintf(path, sizeof path, "%s/%s", f.freezer, f.freezer_v2 ? "cgroup.freeze" : "freezer.state");
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    const char *v = f.freezer_v2 ? "0" : "THAWED";
    if (write(fd, v, strlen(v)) < 0) { /* not frozen then */ }
    close(fd);
  }
}

static const char *status(const char *dir) {
  char fifo[PATH_MAX + 16];
  snprintf(fifo, sizeof fifo, "%s/exec.fifo", dir);
  if (!alive()) return "stopped";
  if (access(fifo, F_OK) == 0) return "created";
  return frozen() ? "paused" : "running";
}

/* The state JSON TypeScript rendered, with the live status and pid put in. */
static void print_state(const char *st) {
  const char *s = f.state, *a = strstr(s, "@@STATUS@@"), *b = strstr(s, "@@PID@@");
  if (!a || !b || b < a) slow_path();
  printf("%.*s%s%.*s%ld%s\n", (int)(a - s), s, st, (int)(b - a - 10), a + 10, strcmp(st, "stopped") ? f.pid : 0L, b + 7);
}

static void kill_members(void) {
  kill((pid_t)f.pid, SIGKILL);
  FILE *in = f.procs[0] ? fopen(f.procs, "r") : NULL;
  long pid;
  while (in && fscanf(in, "%ld", &pid) == 1) kill((pid_t)pid, SIGKILL);
  if (in) fclose(in);
  thaw();
  for (int i = 0; i < 500 && alive(); i++) usleep(10000);
}

static void delete_container(const char *dir) {
  for (int i = f.n_cgroups - 1; i >= 0; i--)
    for (int tries = 0; rmdir(f.cgroups[i]) < 0 && errno == EBUSY && tries < 50; tries++) usleep(20000);
  for (int i = 0; i < f.n_prune; i++) rmdir(f.prune[i]); /* a shared parent goes only when empty */
  const char *files[] = { "exec.fifo", "state.json", "fast" };
  char path[PATH_MAX + 16];
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
  if (rmdir(dir) < 0 && errno != ENOENT) die("cannot remove the container's state directory");
}

static int parse_signal(const char *s) {
  static const struct { const char *name; int sig; } names[] = {
    { "KILL", SIGKILL }, { "TERM", SIGTERM }, { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
    { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "STOP", SIGSTOP }, { "CONT", SIGCONT }, { "WINCH", SIGWINCH },
  };
  char *end;
  long n = strtol(s, &end, 10);
  if (*s && !*end) return n > 0 && n < 65 ? (int)n : -1;
  if (!strncmp(s, "SIG", 3)) s += 3;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcmp(s, names[i].name)) return names[i].sig;
  return -1;
}

int main(int argc, char **argv) {
  all_argv = argv;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--root") && i + 1 < argc) root = argv[++i];
    else if (!strncmp(a, "--root=", 7)) root = a + 7;
    else if (!strcmp(a, "--log") && i + 1 < argc) log_file = argv[++i];
    else if (!strncmp(a, "--log=", 6)) log_file = a + 6;
    else if ((!strcmp(a, "--log-format") || !strcmp(a, "--rootless")) && i + 1 < argc) i++;
    else if (strncmp(a, "--log-format=", 13) && strcmp(a, "--systemd-cgroup") && strncmp(a, "--rootless=", 11)) slow_path();
  }
  if (i >= argc) slow_path();
  const char *verb = argv[i++];
  int force = 0;
  if (!strcmp(verb, "delete"))
    for (; i < argc && argv[i][0] == '-'; i++) {
      if (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f")) force = 1;
      else slow_path();
    }
  if (i >= argc || argv[i][0] == '-' || strchr(argv[i], '/') || argv[i][0] == '.') slow_path();
  const char *id = argv[i++];
  if (strcmp(verb, "state") && strcmp(verb, "start") && strcmp(verb, "kill") && strcmp(verb, "delete")) slow_path();
  if ((strcmp(verb, "kill") ? i != argc : i + 1 < argc)) slow_path();
  char dir[PATH_MAX];
  if (snprintf(dir, sizeof dir, "%s/%s", root, id) >= (int)sizeof dir) slow_path();
  if (load_facts(dir) < 0) {
    if (!strcmp(verb, "delete") && force && access(dir, F_OK) < 0) return 0; /* already gone: fine for runc too */
    slow_path();
  }
  if (f.slow) slow_path();
  const char *st = status(dir);
  if (!strcmp(verb, "state")) {
    print_state(st);
    return 0;
  }
  if (!strcmp(verb, "kill")) {
    int sig = parse_signal(i < argc ? argv[i] : "TERM");
    if (sig < 0) slow_path();
    if (!strcmp(st, "stopped")) die("container not running");
    if (kill((pid_t)f.pid, sig) < 0 && errno != ESRCH) die(strerror(errno));
    if (sig == SIGKILL && !strcmp(st, "paused")) thaw();
    return 0;
  }
  if (!strcmp(verb, "delete")) {
    if (!force && strcmp(st, "stopped") && strcmp(st, "created")) {
      char msg[PATH_MAX + 96];
      snprintf(msg, sizeof msg, "cannot delete container %s that is not stopped: %s (use --force)", id, st);
      die(msg);
    }
    kill_members();
    delete_container(dir);
    return 0;
  }
  /* start: the init is blocked opening the fifo for writing; our reader lets it write its byte and exec */
  if (strcmp(st, "created")) die(strcmp(st, "stopped") ? "cannot start an already running container" : "cannot start a container that has stopped");
  char fifo[PATH_MAX + 16], byte;
  snprintf(fifo, sizeof fifo, "%s/exec.fifo", dir);
  int fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) die("cannot open the exec fifo");
  for (;;) {
    ssize_t n = read(fd, &byte, 1);
    if (n == 1) break;
    if (!alive()) {
      /* a short command may take the byte, exec and exit between the read and this check: read once more */
      if (read(fd, &byte, 1) == 1) break;
      die("cannot start container: its init died");
    }
    usleep(500);
  }
  close(fd);
  unlink(fifo);
  return 0;
}
