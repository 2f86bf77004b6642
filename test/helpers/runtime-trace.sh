#!/bin/bash
# runtime-trace: stands in for an OCI runtime binary (runc's command line) and records every call
# that podman/conmon or containerd's shim makes, then runs the real runtime with the same argv.
# test/helpers/runtime-trace.ts copies this file into a test's temp dir, named like the runtime it
# wraps (podman picks flags by that name), with the two paths below filled in. Callers do not pass
# their environment through to us (containerd's shim least of all), so the paths are baked in.
#
# One JSON object per line in $log:
#   {"t":…, "pid":…, "ppid":…, "cwd":"…", "argv":["…"], "fds":{"0":"/dev/null",…}, "env":{…},
#    "process":"<exec --process file>", "config":"<the bundle's config.json>",
#    "resources"|"stdin":"<update's new limits>",
#    "rc":N, "stdout":"…"}        rc only for short verbs, stdout for those the caller reads back.
# Verbs that create processes or hand over a terminal (create, run, exec, …) are exec'd, so the
# real runtime keeps our pid, parent and file descriptors.
real='@REAL@'
log='@LOG@'
dir=${log%/*}

js() { # js STRING: a JSON string literal
	local s=$1
	s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\r'/\\r}; s=${s//$'\t'/\\t}
	s=${s//$'\e'/\\u001b}
	printf '"%s"' "$s"
}

# open fds, listed by one child process: no command substitution may run before it, since its pipe
# would show up in our own fd table
fds=
find "/proc/$$/fd" -mindepth 1 -maxdepth 1 -printf '%f %l\n' >"$dir/.fds.$$" 2>/dev/null
while read -r n t; do [ "$n" = 255 ] && continue; fds+="$(js "$n"):$(js "$t"),"; done <"$dir/.fds.$$"
rm -f "$dir/.fds.$$"

env=
for k in $(compgen -e); do
	case $k in _OCI_* | NOTIFY_SOCKET | LISTEN_* | XDG_RUNTIME_DIR | PATH | HOME | TMPDIR | TERM | GOMAXPROCS | CONTAINERS_* | RUNC_*)
		env+="$(js "$k"):$(js "${!k}"),"
	esac
done

# the verb: first word that is neither a global flag nor the value of one
verb= i=0 args=("$@")
while [ $i -lt ${#args[@]} ]; do
	a=${args[$i]}
	case $a in
	--root | --log | --log-format | --criu | --rootless) i=$((i + 2)); continue ;;
	-*) i=$((i + 1)); continue ;;
	*) verb=$a; break ;;
	esac
done

argv="$(js "$0")"
for a in "$@"; do argv+=",$(js "$a")"; done

extra=
case $verb in
exec)
	p=
	for ((j = i; j < ${#args[@]}; j++)); do
		case ${args[$j]} in
		--process | -p) p=${args[$((j + 1))]}; break ;;
		--process=*) p=${args[$j]#--process=}; break ;;
		esac
	done
	[ -n "$p" ] && [ -r "$p" ] && extra+=",\"process\":$(js "$(<"$p")")"
	;;
create | run)
	b=$PWD
	for ((j = i; j < ${#args[@]}; j++)); do
		case ${args[$j]} in
		--bundle | -b) b=${args[$((j + 1))]} ;;
		--bundle=*) b=${args[$j]#--bundle=} ;;
		esac
	done
	[ -r "$b/config.json" ] && extra+=",\"config\":$(js "$(<"$b/config.json")")"
	;;
esac

record() { # record EXTRA_FIELDS: one line, one write
	printf '%s\n' "{\"t\":$EPOCHREALTIME,\"pid\":$$,\"ppid\":$PPID,\"cwd\":$(js "$PWD"),\"verb\":$(js "$verb"),\"argv\":[$argv],\"fds\":{${fds%,}},\"env\":{${env%,}}$extra$1}" >>"$log"
}

case $verb in
state | list | ps | features | version | --version | -v | "")
	out="$dir/.out.$$"
	"$real" "$@" >"$out"
	rc=$?
	cat "$out"
	record ",\"rc\":$rc,\"stdout\":$(js "$(<"$out")")"
	rm -f "$out"
	exit $rc
	;;
update)
	# the new limits come as JSON in a file (podman: --resources=FILE) or on stdin (`--resources -`): keep a copy
	r=
	for ((j = i; j < ${#args[@]}; j++)); do
		case ${args[$j]} in
		--resources | -r) r=${args[$((j + 1))]}; break ;;
		--resources=*) r=${args[$j]#--resources=}; break ;;
		esac
	done
	if [ "$r" != - ]; then
		[ -n "$r" ] && [ -r "$r" ] && extra+=",\"resources\":$(js "$(<"$r")")"
		"$real" "$@"; rc=$?; record ",\"rc\":$rc"; exit $rc
	fi
	in="$dir/.in.$$"
	cat >"$in"
	"$real" "$@" <"$in"
	rc=$?
	record ",\"rc\":$rc,\"stdin\":$(js "$(<"$in")")"
	rm -f "$in"
	exit $rc
	;;
start | kill | delete | pause | resume)
	"$real" "$@"
	rc=$?
	record ",\"rc\":$rc"
	exit $rc
	;;
*)
	record ""
	exec "$real" "$@"
	;;
esac
