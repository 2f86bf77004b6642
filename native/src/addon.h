/* Shared by the parts of sys.node: Node-style errors and argument helpers. Each part (addon-*.c)
 * registers its functions through addon_*_register, called from sysaddon.c's init. */
#ifndef MYDOCKER_ADDON_H
#define MYDOCKER_ADDON_H
#include <node_api.h>
#include <stddef.h>

napi_value str_value(napi_env env, const char *s);
/* Throws an Error shaped like Node's system errors (code "EPERM", errno, syscall, path); returns NULL. */
napi_value throw_errno(napi_env env, const char *syscall, const char *path);
/* Throws a plain Error with code "EINVAL" for an argument we refuse (too long, wrong type); returns NULL. */
napi_value throw_invalid(napi_env env, const char *message);
/* A string argument copied into buf (capacity cap); NULL for null/undefined or when it does not fit
 * (then *too_long is set, if given). */
char *str_arg(napi_env env, napi_value v, char *buf, size_t cap, int *too_long);
double num_arg(napi_env env, napi_value v);

#define ARGS(n) size_t argc = n; napi_value argv[n]; napi_get_cb_info(env, info, &argc, argv, NULL, NULL)
/* A string argument in a 4096-byte buffer; a longer one is refused, never cut short. */
#define STR(i, name) char name##_buf[4096]; int name##_long = 0; \
  char *name = str_arg(env, argv[i], name##_buf, sizeof name##_buf, &name##_long); \
  if (name##_long) return throw_invalid(env, "argument " #name " is longer than 4095 bytes")
#define CHECK(call, syscall, path) if ((call) < 0) return throw_errno(env, syscall, path)
#define FN(name, fn) { name, NULL, fn, NULL, NULL, NULL, napi_default, NULL }
#define EXPORT(env, exports, props) napi_define_properties(env, exports, sizeof props / sizeof props[0], props)

void addon_fs_register(napi_env env, napi_value exports);   /* addon-fs.c: fd-relative file operations */
void addon_bpf_register(napi_env env, napi_value exports);  /* addon-bpf.c: cgroup device programs */
void addon_mount_register(napi_env env, napi_value exports); /* addon-mount.c: idmapped overlay */
void addon_spawn_register(napi_env env, napi_value exports); /* addon-spawn.c: monitor spawn, SHA-256 */
void addon_netns_register(napi_env env, napi_value exports); /* addon-netns.c: a pinned new netns */
#endif
