/* sys.node: the few thread-safe system calls Node lacks (mount, flock, mknod, xattrs, raw tty).
 * Never fork (posix_spawn's vfork is the one way out: addon-spawn.c), or setns/unshare anything but this
 * thread's network namespace (addon-netns.c): Node is multithreaded (docs/architecture-notes.md). */
#define _GNU_SOURCE
#include <errno.h>
#include "addon.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <termios.h>

napi_value str_value(napi_env env, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

napi_value throw_errno(napi_env env, const char *syscall, const char *path) {
  int e = errno;
  char msg[1024];
  snprintf(msg, sizeof msg, "%s %s: %s", syscall, path ? path : "", strerror(e));
  napi_value err, code = str_value(env, strerrorname_np(e) ? strerrorname_np(e) : "EUNKNOWN"), no;
  napi_create_error(env, code, str_value(env, msg), &err);
  napi_create_int32(env, -e, &no);
  napi_set_named_property(env, err, "code", code);
  napi_set_named_property(env, err, "errno", no);
  napi_set_named_property(env, err, "syscall", str_value(env, syscall));
  if (path) napi_set_named_property(env, err, "path", str_value(env, path));
  napi_throw(env, err);
  return NULL;
}

napi_value throw_invalid(napi_env env, const char *message) {
  napi_value err;
  napi_create_error(env, str_value(env, "EINVAL"), str_value(env, message), &err);
  napi_set_named_property(env, err, "code", str_value(env, "EINVAL"));
  napi_throw(env, err);
  return NULL;
}

char *str_arg(napi_env env, napi_value v, char *buf, size_t cap, int *too_long) {
  napi_valuetype t;
  size_t n = 0;
  napi_typeof(env, v, &t);
  if (t != napi_string) return NULL;
  napi_get_value_string_utf8(env, v, NULL, 0, &n);
  if (n >= cap) {
    if (too_long) *too_long = 1;
    return NULL;
  }
  napi_get_value_string_utf8(env, v, buf, cap, &n);
  return buf;
}

double num_arg(napi_env env, napi_value v) {
  double d = 0;
  napi_get_value_double(env, v, &d);
  return d;
}


static napi_value js_mount(napi_env env, napi_callback_info info) {
  ARGS(5);
  STR(0, src); STR(1, dst); STR(2, fs); STR(4, data);
  CHECK(mount(src, dst, fs, (unsigned long)num_arg(env, argv[3]), data), "mount", dst);
  return NULL;
}

static napi_value js_umount2(napi_env env, napi_callback_info info) {
  ARGS(2);
  STR(0, dst);
  CHECK(umount2(dst, (int)num_arg(env, argv[1])), "umount", dst);
  return NULL;
}

/* flock(fd, op): true when taken, false when LOCK_NB and held elsewhere. */
static napi_value js_flock(napi_env env, napi_callback_info info) {
  ARGS(2);
  int rc;
  do rc = flock((int)num_arg(env, argv[0]), (int)num_arg(env, argv[1])); while (rc < 0 && errno == EINTR);
  if (rc < 0 && errno != EWOULDBLOCK) return throw_errno(env, "flock", NULL);
  napi_value ret;
  napi_get_boolean(env, rc == 0, &ret);
  return ret;
}

static napi_value js_mknod(napi_env env, napi_callback_info info) {
  ARGS(4);
  STR(0, path);
  dev_t dev = makedev((unsigned)num_arg(env, argv[2]), (unsigned)num_arg(env, argv[3]));
  CHECK(mknod(path, (mode_t)num_arg(env, argv[1]), dev), "mknod", path);
  return NULL;
}

static napi_value js_lsetxattr(napi_env env, napi_callback_info info) {
  ARGS(3);
  STR(0, path); STR(1, name);
  void *data;
  size_t len;
  napi_get_buffer_info(env, argv[2], &data, &len);
  CHECK(lsetxattr(path, name, data, len, 0), "lsetxattr", path);
  return NULL;
}

/* A Buffer, or null when the attribute does not exist. */
static napi_value js_lgetxattr(napi_env env, napi_callback_info info) {
  ARGS(2);
  STR(0, path); STR(1, name);
  char buf[65536];
  ssize_t n = lgetxattr(path, name, buf, sizeof buf);
  napi_value ret;
  if (n < 0 && errno != ENODATA && errno != ENOTSUP) return throw_errno(env, "lgetxattr", path);
  if (n < 0) napi_get_null(env, &ret);
  else napi_create_buffer_copy(env, (size_t)n, buf, NULL, &ret);
  return ret;
}

static napi_value js_llistxattr(napi_env env, napi_callback_info info) {
  ARGS(1);
  STR(0, path);
  char buf[65536];
  ssize_t n = llistxattr(path, buf, sizeof buf);
  if (n < 0 && errno != ENOTSUP) return throw_errno(env, "llistxattr", path);
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t i = 0;
  for (ssize_t off = 0; off < n; off += (ssize_t)strlen(buf + off) + 1) napi_set_element(env, arr, i++, str_value(env, buf + off));
  return arr;
}

/* makeRaw(fd): raw mode as docker's CLI sets it (output processing off too, unlike libuv's);
 * returns the previous settings for restoreTermios(fd, saved). */
static napi_value js_make_raw(napi_env env, napi_callback_info info) {
  ARGS(1);
  int fd = (int)num_arg(env, argv[0]);
  struct termios saved, raw;
  CHECK(tcgetattr(fd, &saved), "tcgetattr", NULL);
  raw = saved;
  cfmakeraw(&raw);
  CHECK(tcsetattr(fd, TCSANOW, &raw), "tcsetattr", NULL);
  napi_value buf;
  napi_create_buffer_copy(env, sizeof saved, &saved, NULL, &buf);
  return buf;
}

static napi_value js_restore_termios(napi_env env, napi_callback_info info) {
  ARGS(2);
  void *data;
  size_t len;
  napi_get_buffer_info(env, argv[1], &data, &len);
  if (len == sizeof(struct termios)) CHECK(tcsetattr((int)num_arg(env, argv[0]), TCSANOW, data), "tcsetattr", NULL);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    FN("mount", js_mount), FN("umount2", js_umount2), FN("flock", js_flock), FN("mknod", js_mknod),
    FN("lsetxattr", js_lsetxattr), FN("lgetxattr", js_lgetxattr), FN("llistxattr", js_llistxattr),
    FN("makeRaw", js_make_raw), FN("restoreTermios", js_restore_termios),
  };
  EXPORT(env, exports, props);
  addon_fs_register(env, exports);
  addon_bpf_register(env, exports);
  addon_mount_register(env, exports);
  addon_spawn_register(env, exports);
  addon_netns_register(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
