/* sys.node part: an overlay whose image layers are seen through idmapped mounts, so a container
 * in a user namespace sees the image's files with the owners the image gave them. Built with the
 * new mount API: each layer is an idmapped detached mount handed to overlayfs by fd ("lowerdir+",
 * kernel 6.8+); nothing but the finished overlay is ever attached. */
#define _GNU_SOURCE
#include "addon.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int idmapped_layer(const char *dir, int userns_fd) {
  int fd = (int)syscall(SYS_open_tree, AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (fd < 0) return -1;
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY, .userns_fd = (unsigned)userns_fd };
  if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* mountOverlayIdmapped(lowerDirs (topmost first), upper, work, target, usernsFd) */
static napi_value js_mount_overlay_idmapped(napi_env env, napi_callback_info info) {
  ARGS(5);
  STR(1, upper); STR(2, work); STR(3, target);
  int userns_fd = (int)num_arg(env, argv[4]);
  uint32_t n = 0;
  napi_get_array_length(env, argv[0], &n);
  if (!upper || !work || !target || n == 0) return throw_invalid(env, "mountOverlayIdmapped: missing directories");
  int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
  if (fs < 0) return throw_errno(env, "fsopen", "overlay");
  napi_value ret = NULL;
  const char *failed = NULL, *where = target;
  char dir[4096], what[4700];
  /* A detached mount dies with its last fd: the layers stay open until the overlay exists. */
  int *layers = calloc(n, sizeof *layers);
  if (!layers) { close(fs); return throw_invalid(env, "mountOverlayIdmapped: out of memory"); }
  for (uint32_t i = 0; i < n; i++) layers[i] = -1;
  for (uint32_t i = 0; i < n && !failed; i++) {
    napi_value v;
    int too_long = 0;
    napi_get_element(env, argv[0], i, &v);
    if (!str_arg(env, v, dir, sizeof dir, &too_long)) { failed = "layer path"; errno = EINVAL; break; }
    if ((layers[i] = idmapped_layer(dir, userns_fd)) < 0) { failed = "idmap layer"; where = dir; break; }
    if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_FD, "lowerdir+", NULL, layers[i]) < 0) { failed = "fsconfig lowerdir+"; where = dir; }
  }
  int mnt = -1;
  if (!failed && syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0) failed = "fsconfig upperdir", where = upper;
  if (!failed && syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0) failed = "fsconfig workdir", where = work;
  if (!failed && syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) failed = "fsconfig create";
  if (!failed && (mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0)) < 0) failed = "fsmount";
  if (!failed && syscall(SYS_move_mount, mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0) failed = "move_mount";
  int e = errno;
  char why[512] = "";
  if (failed) { /* the filesystem's own reason, from the fs context's message log */
    ssize_t n = read(fs, why, sizeof why - 1);
    why[n > 0 ? n : 0] = 0;
    if (n > 0 && why[n - 1] == '\n') why[n - 1] = 0;
  }
  if (mnt >= 0) close(mnt);
  for (uint32_t i = 0; i < n; i++) if (layers[i] >= 0) close(layers[i]);
  free(layers);
  close(fs);
  errno = e;
  if (failed) {
    snprintf(what, sizeof what, "%s (%s)", where, why[0] ? why : "no reason given");
    return throw_errno(env, failed, what);
  }
  return ret;
}

void addon_mount_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = { FN("mountOverlayIdmapped", js_mount_overlay_idmapped) };
  EXPORT(env, exports, props);
}
