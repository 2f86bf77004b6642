/* Messages from the C core to its TypeScript caller: one JSON object per line on the sync fd.
 * Types: pid, ready, log, error, exit (docs/init-plan.md lists the fields). */
#ifndef MYDOCKER_MSG_H
#define MYDOCKER_MSG_H
#include <stdarg.h>
#include "util.h"

extern int msg_fd;        /* sync socket to the caller, -1 when none */
extern int msg_log;       /* emit "log" events */

/* Sends {"type":"error","stage":..,"errno":..,"message":..}. Always returns -1 so callers can `return fail(...)`. */
int fail(const char *stage, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sends {"type":<type>, <extra>} where extra is already-formatted JSON members (may be ""). */
void msg_send(const char *type, const char *extra_fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sends a log event: {"type":"log","event":..., <fields>}; fields use msg_str() for strings. */
#define LOGF(event, ...) do { if (msg_log) msg_send("log", "\"event\":\"" event "\"," __VA_ARGS__); } while (0)
/* JSON-escapes s into a rotating static buffer (valid until 8 more calls). */
const char *msg_str(const char *s);

#endif
