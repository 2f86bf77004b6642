#include "msg.h"
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
  char *b = bufs[turn++ & 7], *o = b, *end = b + sizeof bufs[0] - 8;
  *o++ = '"';
  for (; s && *s && o < end; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') { *o++ = '\\'; *o++ = ch; }
    else if (ch < 0x20) o += snprintf(o, 7, "\\u%04x", ch);
    else *o++ = ch;
  }
  *o++ = '"';
  *o = 0;
  return b;
}

static void vsend(const char *type, const char *fmt, va_list ap) {
  if (msg_fd < 0) return;
  char line[8192];
  int n = snprintf(line, sizeof line, "{\"type\":\"%s\"", type);
  if (fmt && *fmt) {
    line[n++] = ',';
    n += vsnprintf(line + n, sizeof line - n - 3, fmt, ap);
    if (n > (int)sizeof line - 3) n = sizeof line - 3;
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

int send_fd(int sock, int fd) {
  char byte = 'F';
  struct iovec iov = { &byte, 1 };
  union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return sendmsg(sock, &m, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

int recv_fd(int sock) {
  char byte;
  struct iovec iov = { &byte, 1 };
  union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  ssize_t n;
  do n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
  if (n <= 0) return -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  if (!c || c->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}
