/* Small helpers both C programs use: full writes, fd passing, JSON string escaping. */
#ifndef MYDOCKER_UTIL_H
#define MYDOCKER_UTIL_H
#include <stddef.h>

int write_all(int fd, const void *buf, size_t n);
int send_fd(int sock, int fd);
int recv_fd(int sock);
/* Escapes n bytes of src as the inside of a JSON string into dst (capacity cap, at least 7);
 * returns the length written. Bytes >= 0x80 pass through unchanged. */
size_t json_escape(char *dst, size_t cap, const char *src, size_t n);
#endif
