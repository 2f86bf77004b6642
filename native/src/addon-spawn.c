/* sys.node part: starting processes without forking Node (a container's monitor, CNI plugins), and
 * SHA-256 without Node's crypto module.
 *
 * Node's child_process forks the whole Node process (libuv uses fork on Linux); on a VM where page
 * faults are dear that fork alone costs ~10 ms. posix_spawn uses CLONE_VM|CLONE_VFORK: no page tables
 * are copied, and it is safe in a multithreaded process.
 *
 * spawnDetached: the spawned program must daemonize at once (the monitor's -D): it forks and exits, and
 * the survivor first writes its own pid (4 bytes, host order) on fd 4; the caller then reaps that first
 * process, so no zombie is ever left in a long-lived Node program (the Engine API server, the library),
 * and the survivor is re-parented to init. Nothing here waits for the child: its exec and fork (~7 ms
 * on this VM) overlap with the caller's work.
 *
 * spawnPiped: a short-lived child of ours with pipes on 0-2 (src/sys/spawn-piped.ts reaps it).
 *
 * sha256Hex: Node links OpenSSL and exports its symbols for addons; hashing a config blob here saves
 * loading Node's crypto module (~6 ms) on every `run`. */
#define _GNU_SOURCE
#include "addon.h"
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_SPAWN_ARGS 256

static void close_pair(int p[2]) {
  if (p[0] >= 0) close(p[0]);
  if (p[1] >= 0) close(p[1]);
}

/* Child ends are moved to fds >= 10, so dup2 onto 3 and 4 always makes a new, inheritable fd. */
static int high_fd(int fd) {
  int h = fcntl(fd, F_DUPFD_CLOEXEC, 10);
  int e = errno;
  close(fd);
  errno = e;
  return h;
}

/* posix_spawn with an empty signal mask and every signal at its default (Node ignores SIGPIPE; a child
 * must not inherit that), plus extra flags; consumes fa. Returns posix_spawn's error number. */
static int spawn_with(pid_t *pid, const char *file, posix_spawn_file_actions_t *fa, short extra, char **args, char **envp) {
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | extra);
  int rc = posix_spawn(pid, file, fa, &attr, args, envp);
  posix_spawn_file_actions_destroy(fa);
  posix_spawnattr_destroy(&attr);
  return rc;
}

static napi_value int_array(napi_env env, const int *values, uint32_t n) {
  napi_value arr, v;
  napi_create_array_with_length(env, n, &arr);
  for (uint32_t i = 0; i < n; i++) napi_create_int32(env, values[i], &v), napi_set_element(env, arr, i, v);
  return arr;
}

/* Copies a JS array of n strings into list (malloc'd, NULL-terminated); false after throwing. */
static int string_array(napi_env env, napi_value arr, char **list, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    size_t len = 0;
    napi_get_element(env, arr, i, &v);
    if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
      throw_invalid(env, "spawn: arguments and environment must be strings");
      return 0;
    }
    list[i] = malloc(len + 1);
    if (!list[i]) {
      errno = ENOMEM;
      throw_errno(env, "malloc", NULL);
      return 0;
    }
    napi_get_value_string_utf8(env, v, list[i], len + 1, &len);
  }
  list[n] = NULL;
  return 1;
}

/* spawnDetached(path, argv) -> [firstPid, runtimeFd, statusFd]: the child gets /dev/null on 0-2 and one end
 * of a socket pair on 3 (the runtime protocol) and on 4 (status); we keep the other ends (close-on-exec).
 * The caller reads the daemon's pid from statusFd, then reaps firstPid (reap), which has exited by then. */
static napi_value js_spawn_detached(napi_env env, napi_callback_info info) {
  ARGS(2);
  STR(0, file);
  if (!file) return throw_invalid(env, "spawnDetached: path must be a string");
  uint32_t n = 0;
  napi_get_array_length(env, argv[1], &n);
  if (n == 0 || n >= MAX_SPAWN_ARGS) return throw_invalid(env, "spawnDetached: between 1 and 255 arguments");
  char *args[MAX_SPAWN_ARGS] = { 0 };
  napi_value ret = NULL;
  int rt[2] = { -1, -1 }, st[2] = { -1, -1 };
  if (!string_array(env, argv[1], args, n)) goto out;
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, rt) < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, st) < 0) {
    throw_errno(env, "socketpair", NULL);
    goto out;
  }
  if ((rt[1] = high_fd(rt[1])) < 0 || (st[1] = high_fd(st[1])) < 0) {
    throw_errno(env, "fcntl", NULL);
    goto out;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, rt[1], 3);
  posix_spawn_file_actions_adddup2(&fa, st[1], 4);
  pid_t first;
  int rc = spawn_with(&first, file, &fa, POSIX_SPAWN_SETSID, args, environ);
  close(rt[1]), rt[1] = -1;
  close(st[1]), st[1] = -1;
  if (rc != 0) {
    errno = rc;
    throw_errno(env, "posix_spawn", file);
    goto out;
  }
  ret = int_array(env, (int[]){ first, rt[0], st[0] }, 3);
  rt[0] = st[0] = -1; /* now the caller's */
out:
  close_pair(rt);
  close_pair(st);
  for (uint32_t i = 0; i < n; i++) free(args[i]);
  return ret;
}

/* spawnPiped(path, argv, env) -> [pid, stdinFd, stdoutFd, stderrFd]: a child of ours with pipes on 0-2 (our
 * ends close-on-exec), default signals, the given environment. The caller reaps it (reap). */
static napi_value js_spawn_piped(napi_env env, napi_callback_info info) {
  ARGS(3);
  STR(0, file);
  if (!file) return throw_invalid(env, "spawnPiped: path must be a string");
  uint32_t n = 0, m = 0;
  napi_get_array_length(env, argv[1], &n);
  napi_get_array_length(env, argv[2], &m);
  if (n == 0 || n >= MAX_SPAWN_ARGS || m >= MAX_SPAWN_ARGS) return throw_invalid(env, "spawnPiped: 1 to 255 arguments, up to 255 variables");
  char *args[MAX_SPAWN_ARGS] = { 0 }, *envp[MAX_SPAWN_ARGS] = { 0 };
  int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
  napi_value ret = NULL;
  if (!string_array(env, argv[1], args, n) || !string_array(env, argv[2], envp, m)) goto out;
  if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
    throw_errno(env, "pipe2", NULL);
    goto out;
  }
  if ((in[0] = high_fd(in[0])) < 0 || (out[1] = high_fd(out[1])) < 0 || (err[1] = high_fd(err[1])) < 0) {
    throw_errno(env, "fcntl", NULL);
    goto out;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  pid_t pid;
  int rc = spawn_with(&pid, file, &fa, 0, args, envp);
  if (rc != 0) {
    errno = rc;
    throw_errno(env, "posix_spawn", file);
    goto out;
  }
  ret = int_array(env, (int[]){ pid, in[1], out[0], err[0] }, 4);
  in[1] = out[0] = err[0] = -1; /* now the caller's */
out:
  close_pair(in);
  close_pair(out);
  close_pair(err);
  for (uint32_t i = 0; i < n; i++) free(args[i]);
  for (uint32_t i = 0; i < m; i++) free(envp[i]);
  return ret;
}

/* sha256Hex(buffer) -> lower-case hex digest */
static napi_value js_sha256_hex(napi_env env, napi_callback_info info) {
  ARGS(1);
  void *data;
  size_t len;
  if (napi_get_buffer_info(env, argv[0], &data, &len) != napi_ok) return throw_invalid(env, "sha256Hex: a Buffer is needed");
  unsigned char md[32];
  unsigned int mdlen = 0;
  if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32) return throw_invalid(env, "sha256Hex: digest failed");
  char hex[65];
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < 32; i++) hex[2 * i] = digits[md[i] >> 4], hex[2 * i + 1] = digits[md[i] & 15];
  hex[64] = 0;
  return str_value(env, hex);
}

/* reap(pid, noHang) -> the status as waitpid gives it, or -1 when noHang and it still runs; for the
 * children spawnDetached and spawnPiped made only */
static napi_value js_reap(napi_env env, napi_callback_info info) {
  ARGS(2);
  pid_t pid = (pid_t)num_arg(env, argv[0]);
  if (pid <= 0) return throw_invalid(env, "reap: a pid is needed");
  bool no_hang = false;
  napi_get_value_bool(env, argv[1], &no_hang);
  int ws = 0;
  pid_t r;
  do r = waitpid(pid, &ws, no_hang ? WNOHANG : 0); while (r < 0 && errno == EINTR);
  if (r < 0) return throw_errno(env, "waitpid", NULL);
  napi_value v;
  napi_create_int32(env, r == 0 ? -1 : ws, &v);
  return v;
}

void addon_spawn_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = { FN("spawnDetached", js_spawn_detached), FN("spawnPiped", js_spawn_piped), FN("reap", js_reap), FN("sha256Hex", js_sha256_hex) };
  EXPORT(env, exports, props);
}
