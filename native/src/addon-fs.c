/* sys.node part: fd-relative file operations, so that `cp` walks a container's root through file
 * descriptors and never hands the kernel a container path to resolve from the host's root.
 * Node already has fstat/fchmod/fchown/futimes/read/write on fds; only what it lacks is here. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "addon.h"

static napi_value int_value(napi_env env, int n) {
  napi_value v;
  napi_create_int32(env, n, &v);
  return v;
}

/* Seconds with a fraction, as Node gives them; rounded down so that times before 1970 stay valid. */
static struct timespec ts_arg(napi_env env, napi_value v) {
  double s = num_arg(env, v);
  time_t sec = (time_t)s;
  if ((double)sec > s) sec--;
  struct timespec ts = { sec, (long)((s - (double)sec) * 1e9) };
  if (ts.tv_nsec > 999999999) ts.tv_nsec = 999999999;
  return ts;
}

/* openat2(dirFd, path, flags, mode, resolve) → fd, always O_CLOEXEC. The kernel answers EAGAIN when a
 * rename raced a RESOLVE_IN_ROOT/BENEATH walk: retried a few times, then reported. */
static napi_value js_openat2(napi_env env, napi_callback_info info) {
  ARGS(5);
  STR(1, path);
  if (!path) return throw_invalid(env, "openat2: path must be a string");
  struct open_how how = { .flags = (unsigned long long)num_arg(env, argv[2]) | O_CLOEXEC,
                          .resolve = (unsigned long long)num_arg(env, argv[4]) };
  /* openat2 refuses a mode without O_CREAT/O_TMPFILE, where open(2) ignores it */
  if ((how.flags & O_CREAT) || (how.flags & O_TMPFILE) == O_TMPFILE) how.mode = (unsigned)num_arg(env, argv[3]) & 07777;
  long fd;
  int tries = 0;
  do fd = syscall(SYS_openat2, (int)num_arg(env, argv[0]), path, &how, sizeof how);
  while (fd < 0 && (errno == EINTR || (errno == EAGAIN && ++tries < 64)));
  CHECK(fd, "openat2", path);
  return int_value(env, (int)fd);
}

static napi_value js_mkdirat(napi_env env, napi_callback_info info) {
  ARGS(3);
  STR(1, name);
  CHECK(mkdirat((int)num_arg(env, argv[0]), name, (mode_t)num_arg(env, argv[2])), "mkdirat", name);
  return NULL;
}

/* symlinkat(target, dirFd, name) */
static napi_value js_symlinkat(napi_env env, napi_callback_info info) {
  ARGS(3);
  STR(0, target); STR(2, name);
  CHECK(symlinkat(target, (int)num_arg(env, argv[1]), name), "symlinkat", name);
  return NULL;
}

/* readlinkat(dirFd, name): name "" reads the link an O_PATH|O_NOFOLLOW fd refers to. */
static napi_value js_readlinkat(napi_env env, napi_callback_info info) {
  ARGS(2);
  STR(1, name);
  char buf[4096];
  ssize_t n = readlinkat((int)num_arg(env, argv[0]), name, buf, sizeof buf);
  CHECK(n, "readlinkat", name);
  if ((size_t)n == sizeof buf) return throw_invalid(env, "readlinkat: link target is longer than 4095 bytes");
  buf[n] = 0;
  return str_value(env, buf);
}

/* fchownat(dirFd, name, uid, gid, flags): with AT_SYMLINK_NOFOLLOW for links, AT_EMPTY_PATH for an fd. */
static napi_value js_fchownat(napi_env env, napi_callback_info info) {
  ARGS(5);
  STR(1, name);
  CHECK(fchownat((int)num_arg(env, argv[0]), name, (uid_t)num_arg(env, argv[2]), (gid_t)num_arg(env, argv[3]),
                 (int)num_arg(env, argv[4])), "fchownat", name);
  return NULL;
}

static napi_value js_unlinkat(napi_env env, napi_callback_info info) {
  ARGS(3);
  STR(1, name);
  CHECK(unlinkat((int)num_arg(env, argv[0]), name, (int)num_arg(env, argv[2])), "unlinkat", name);
  return NULL;
}

/* utimensat(dirFd, name, atime, mtime, flags), times in seconds like Node's futimes: Node has no lutimes on fds. */
static napi_value js_utimensat(napi_env env, napi_callback_info info) {
  ARGS(5);
  STR(1, name);
  struct timespec ts[2] = { ts_arg(env, argv[2]), ts_arg(env, argv[3]) };
  CHECK(utimensat((int)num_arg(env, argv[0]), name, ts, (int)num_arg(env, argv[4])), "utimensat", name);
  return NULL;
}

void addon_fs_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    FN("openat2", js_openat2), FN("mkdirat", js_mkdirat), FN("symlinkat", js_symlinkat), FN("readlinkat", js_readlinkat),
    FN("fchownat", js_fchownat), FN("unlinkat", js_unlinkat), FN("utimensat", js_utimensat),
  };
  EXPORT(env, exports, props);
}
