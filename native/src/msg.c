#include "msg.h"
#include "util.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

int msg_fd = -1;
int msg_log = 0;

const char *msg_str(const char *s) {
  static char bufs[8][2048];
  static int turn;
  char *b = bufs[turn++ & 7];
  b[0] = '"';
  size_t n = s ? json_escape(b + 1, sizeof bufs[0] - 2, s, strlen(s)) : 0;
  b[n + 1] = '"';
  b[n + 2] = 0;
  return b;
}

static void vsend(const char *type, const char *fmt, va_list ap) {
  if (msg_fd < 0) return;
  char line[8192];
  int n = snprintf(line, sizeof line, "{\"type\":\"%s\"", type);
  if (fmt && *fmt) {
    line[n++] = ',';
    int m = vsnprintf(line + n, sizeof line - n - 3, fmt, ap);
    /* A cut line would not be JSON: say so instead of sending half of it. */
    if (m < 0 || n + m > (int)sizeof line - 3) n = snprintf(line, sizeof line, "{\"type\":\"%s\",\"truncated\":true", type);
    else n += m;
  }
  line[n++] = '}';
  line[n++] = '\n';
  /* MSG_NOSIGNAL: the caller may be gone (detached create); never die of SIGPIPE here. */
  for (int off = 0; off < n;) {
    ssize_t w = send(msg_fd, line + off, n - off, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    off += w;
  }
}

void msg_send(const char *type, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsend(type, fmt, ap);
  va_end(ap);
}

int fail(const char *stage, int err, const char *fmt, ...) {
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  msg_send("error", "\"stage\":%s,\"errno\":%d,\"message\":%s", msg_str(stage), err, msg_str(text));
  errno = err;
  return -1;
}
