/* sys.node: the few thread-safe system calls Node lacks (mount, flock, mknod, xattrs).
 * Never fork, setns or unshare here: Node is multithreaded (see docs/architecture-notes.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <termios.h>

static napi_value throw_errno(napi_env env, const char *syscall, const char *path) {
  int e = errno;
  const char *code = strerrorname_np(e);
  char msg[1024];
  snprintf(msg, sizeof msg, "%s %s: %s", syscall, path ? path : "", strerror(e));
  napi_value err, v;
  napi_create_string_utf8(env, code ? code : "EUNKNOWN", NAPI_AUTO_LENGTH, &v);
  napi_value m;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  napi_create_error(env, v, m, &err);
  napi_set_named_property(env, err, "code", v);
  napi_create_int32(env, -e, &v);
  napi_set_named_property(env, err, "errno", v);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, err, "syscall", v);
  if (path) {
    napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &v);
    napi_set_named_property(env, err, "path", v);
  }
  napi_throw(env, err);
  return NULL;
}

/* Returns a malloc'd copy of a string argument, or NULL for null/undefined. */
static char *str_arg(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t != napi_string) return NULL;
  size_t n;
  napi_get_value_string_utf8(env, v, NULL, 0, &n);
  char *s = malloc(n + 1);
  napi_get_value_string_utf8(env, v, s, n + 1, &n);
  return s;
}

static double num_arg(napi_env env, napi_value v) {
  double d = 0;
  napi_get_value_double(env, v, &d);
  return d;
}

#define ARGS(n) size_t argc = n; napi_value argv[n]; napi_get_cb_info(env, info, &argc, argv, NULL, NULL)

static napi_value js_mount(napi_env env, napi_callback_info info) {
  ARGS(5);
  char *src = str_arg(env, argv[0]), *dst = str_arg(env, argv[1]), *fs = str_arg(env, argv[2]), *data = str_arg(env, argv[4]);
  int rc = mount(src, dst, fs, (unsigned long)num_arg(env, argv[3]), data);
  napi_value ret = rc < 0 ? throw_errno(env, "mount", dst) : NULL;
  free(src); free(dst); free(fs); free(data);
  return ret;
}

static napi_value js_umount2(napi_env env, napi_callback_info info) {
  ARGS(2);
  char *dst = str_arg(env, argv[0]);
  int rc = umount2(dst, (int)num_arg(env, argv[1]));
  napi_value ret = rc < 0 ? throw_errno(env, "umount", dst) : NULL;
  free(dst);
  return ret;
}

/* flock(fd, op): returns true when taken, false when LOCK_NB and held elsewhere. */
static napi_value js_flock(napi_env env, napi_callback_info info) {
  ARGS(2);
  int rc;
  do rc = flock((int)num_arg(env, argv[0]), (int)num_arg(env, argv[1])); while (rc < 0 && errno == EINTR);
  napi_value ret;
  if (rc < 0 && errno != EWOULDBLOCK) return throw_errno(env, "flock", NULL);
  napi_get_boolean(env, rc == 0, &ret);
  return ret;
}

static napi_value js_mknod(napi_env env, napi_callback_info info) {
  ARGS(4);
  char *path = str_arg(env, argv[0]);
  int rc = mknod(path, (mode_t)num_arg(env, argv[1]), makedev((unsigned)num_arg(env, argv[2]), (unsigned)num_arg(env, argv[3])));
  napi_value ret = rc < 0 ? throw_errno(env, "mknod", path) : NULL;
  free(path);
  return ret;
}

static napi_value js_lsetxattr(napi_env env, napi_callback_info info) {
  ARGS(3);
  char *path = str_arg(env, argv[0]), *name = str_arg(env, argv[1]);
  void *data;
  size_t len;
  napi_get_buffer_info(env, argv[2], &data, &len);
  int rc = lsetxattr(path, name, data, len, 0);
  napi_value ret = rc < 0 ? throw_errno(env, "lsetxattr", path) : NULL;
  free(path); free(name);
  return ret;
}

/* Returns a Buffer, or null when the attribute does not exist. */
static napi_value js_lgetxattr(napi_env env, napi_callback_info info) {
  ARGS(2);
  char *path = str_arg(env, argv[0]), *name = str_arg(env, argv[1]);
  char buf[65536];
  ssize_t n = lgetxattr(path, name, buf, sizeof buf);
  napi_value ret = NULL;
  if (n >= 0) napi_create_buffer_copy(env, (size_t)n, buf, NULL, &ret);
  else if (errno == ENODATA || errno == ENOTSUP) napi_get_null(env, &ret);
  else ret = throw_errno(env, "lgetxattr", path);
  free(path); free(name);
  return ret;
}

static napi_value js_llistxattr(napi_env env, napi_callback_info info) {
  ARGS(1);
  char *path = str_arg(env, argv[0]);
  char buf[65536];
  ssize_t n = llistxattr(path, buf, sizeof buf);
  napi_value arr = NULL;
  if (n < 0 && errno != ENOTSUP) { arr = throw_errno(env, "llistxattr", path); free(path); return arr; }
  napi_create_array(env, &arr);
  uint32_t i = 0;
  for (ssize_t off = 0; n > 0 && off < n; off += (ssize_t)strlen(buf + off) + 1) {
    napi_value s;
    napi_create_string_utf8(env, buf + off, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, arr, i++, s);
  }
  free(path);
  return arr;
}

/* makeRaw(fd): puts a terminal in raw mode as docker's CLI does (output post-processing off too,
 * unlike libuv's raw mode) and returns the previous settings for restoreTermios(fd, saved). */
static napi_value js_make_raw(napi_env env, napi_callback_info info) {
  ARGS(1);
  int fd = (int)num_arg(env, argv[0]);
  struct termios saved, raw;
  if (tcgetattr(fd, &saved) < 0) return throw_errno(env, "tcgetattr", NULL);
  raw = saved;
  cfmakeraw(&raw);
  if (tcsetattr(fd, TCSANOW, &raw) < 0) return throw_errno(env, "tcsetattr", NULL);
  napi_value buf;
  napi_create_buffer_copy(env, sizeof saved, &saved, NULL, &buf);
  return buf;
}

static napi_value js_restore_termios(napi_env env, napi_callback_info info) {
  ARGS(2);
  void *data;
  size_t len;
  napi_get_buffer_info(env, argv[1], &data, &len);
  if (len == sizeof(struct termios) && tcsetattr((int)num_arg(env, argv[0]), TCSANOW, (struct termios *)data) < 0)
    return throw_errno(env, "tcsetattr", NULL);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "mount", NULL, js_mount, NULL, NULL, NULL, napi_default, NULL },
    { "umount2", NULL, js_umount2, NULL, NULL, NULL, napi_default, NULL },
    { "flock", NULL, js_flock, NULL, NULL, NULL, napi_default, NULL },
    { "mknod", NULL, js_mknod, NULL, NULL, NULL, napi_default, NULL },
    { "lsetxattr", NULL, js_lsetxattr, NULL, NULL, NULL, napi_default, NULL },
    { "lgetxattr", NULL, js_lgetxattr, NULL, NULL, NULL, napi_default, NULL },
    { "llistxattr", NULL, js_llistxattr, NULL, NULL, NULL, napi_default, NULL },
    { "makeRaw", NULL, js_make_raw, NULL, NULL, NULL, napi_default, NULL },
    { "restoreTermios", NULL, js_restore_termios, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
