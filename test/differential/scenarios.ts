// The scenario table. Each scenario says what it compares and why; docker's behaviour is the
// reference, so a step compares exactly what docker and podman both do (podman's own extras, such
// as its error texts, its `container=podman` variable or gid 0 left out of root's groups, are taken
// out or not compared). Container names start with "df-"; every scenario removes what it made.
import { dropLines, firstLine, keepLines, sortLines, squeeze } from './normalize';
import type { Scenario } from './scenario';

const IMAGE = 'busybox';
/** A container that says "ready" once its signal handlers are set, then idles. */
const idle = (traps = '') => ['sh', '-c', `${traps} echo ready; while :; do sleep 0.1; done`];
/** Supplementary groups without 0: docker lists the primary gid 0 for root, podman leaves it out. */
const groupsWithout0 = (s: string) => s.trim().split(/\s+/).filter((g) => g !== '0').join(' ');
/** What docker's init layer adds to every container's filesystem (export lists it). */
const INIT_LAYER = /^(\.\/)?(\.dockerenv|dev\/(console|pts\/?|shm\/?)|etc\/(hostname|hosts|resolv\.conf|mtab))$/;
/** podman writes passwd/group entries for ids the image lacks, so `id` shows names docker shows bare. */
const withoutNames = (s: string) => s.replace(/\([^)]*\)/g, '');

export const scenarios: Scenario[] = [
  {
    name: 'run: output and a non-zero exit code pass through',
    why: 'docker and podman both print the output and exit with the command\'s code',
    steps: [{ args: ['run', '--rm', IMAGE, 'sh', '-c', 'echo hi; exit 3'], compare: 'stdout' }],
  },
  {
    name: 'run: a missing command exits 127, a non-executable one 126',
    why: 'the codes are docker\'s convention and podman\'s; the error texts differ (podman quotes the runtime), so codes only',
    steps: [
      { args: ['run', '--rm', IMAGE, '/no/such/cmd'], compare: 'code' },
      { args: ['run', '--rm', IMAGE, '/etc/passwd'], compare: 'code' },
    ],
  },
  {
    name: 'run -i: stdin reaches the container; without -i it gets none',
    why: 'both engines pass piped stdin only with -i',
    steps: [
      { args: ['run', '--rm', '-i', IMAGE, 'sh', '-c', 'cat; echo done'], input: 'piped\n', compare: 'stdout' },
      { args: ['run', '--rm', IMAGE, 'sh', '-c', 'cat; echo done'], input: 'piped\n', compare: 'stdout' },
    ],
  },
  {
    name: 'run -e: variables in the environment',
    why: 'podman adds container=podman and TERM, so only the variables docker sets (PATH, HOSTNAME, HOME) and ours are compared',
    steps: [{
      args: ['run', '--rm', '-e', 'A=1', '-e', 'B=two words', IMAGE, 'env'], compare: 'stdout',
      stdout: (s) => sortLines(keepLines(/^(A|B|PATH|HOME|HOSTNAME)=/)(s)),
    }],
  },
  {
    name: 'run -w: the working directory',
    why: 'both engines start in it. A missing one is not compared: docker creates it, podman 4.3 refuses (126)',
    steps: [{ args: ['run', '--rm', '-w', '/tmp', IMAGE, 'pwd'], compare: 'stdout' }],
  },
  {
    name: 'run -u uid:gid: ids and supplementary groups',
    why: 'docker puts the primary gid among the supplementary groups (groups=1000), as podman does; podman also writes passwd and group entries, so names in parentheses are taken out',
    steps: [
      { args: ['run', '--rm', '-u', '1000:1000', IMAGE, 'id'], compare: 'stdout', stdout: withoutNames },
      { args: ['run', '--rm', '-u', '1000', IMAGE, 'id'], compare: 'stdout', stdout: withoutNames },
    ],
  },
  {
    name: 'run -u name: the passwd entry gives uid, gid, groups and HOME',
    why: 'both engines resolve the name in the image\'s /etc/passwd and /etc/group and set HOME from it',
    steps: [{ args: ['run', '--rm', '-u', 'nobody', IMAGE, 'sh', '-c', 'id; echo $HOME'], compare: 'stdout' }],
  },
  {
    name: 'run as root: groups from /etc/group (wheel), and --group-add',
    why: 'docker and podman both give root the groups that list it (busybox: wheel) and the --group-add ones; docker also lists gid 0, podman does not, so 0 is left out',
    steps: [
      { args: ['run', '--rm', IMAGE, 'id', '-G'], compare: 'stdout', stdout: groupsWithout0 },
      { args: ['run', '--rm', '--group-add', '5', IMAGE, 'id', '-G'], compare: 'stdout', stdout: groupsWithout0 },
    ],
  },
  {
    name: 'run --hostname, and the default hostname is the short id',
    why: 'hostname and /etc/hostname agree in both (compared as words: podman writes /etc/hostname without docker\'s newline); the default is the 12-hex short id (normalized)',
    steps: [
      { args: ['run', '--rm', '--hostname', 'h', IMAGE, 'sh', '-c', 'echo $(hostname) $(cat /etc/hostname)'], compare: 'stdout' },
      // the short id may be all digits, which the common normalization leaves alone (it keeps numbers)
      { args: ['run', '--rm', IMAGE, 'hostname'], compare: 'stdout', stdout: (s) => s.replace(/^[0-9a-f]{12}$/m, '<id>') },
    ],
  },
  {
    name: 'run --read-only: the root filesystem refuses writes, a --tmpfs on it does not',
    why: 'touch fails with the kernel\'s EROFS (busybox prints it) in both; the tmpfs is writable',
    steps: [
      { args: ['run', '--rm', '--read-only', IMAGE, 'touch', '/x'], compare: 'output' },
      { args: ['run', '--rm', '--read-only', '--tmpfs', '/tmp', IMAGE, 'touch', '/tmp/x'], compare: 'output' },
    ],
  },
  {
    name: 'run --entrypoint: replaces the entrypoint, the rest are its arguments',
    why: 'same argv in both',
    steps: [{ args: ['run', '--rm', '--entrypoint', 'echo', IMAGE, 'a', 'b'], compare: 'stdout' }],
  },
  {
    name: 'create, inspect, start -a, inspect',
    why: 'create prints the full id (normalized); start -a attaches and exits with the container\'s code; State in inspect is the same words in both (.Name is not compared: docker has "/c", podman "c")',
    steps: [
      { args: ['create', '--name', 'df-created', IMAGE, 'sh', '-c', 'echo created-out; exit 4'], compare: 'stdout' },
      { args: ['inspect', '-f', '{{.State.Status}} {{.State.Running}} {{.State.ExitCode}}', 'df-created'], compare: 'stdout' },
      { args: ['start', '-a', 'df-created'], compare: 'stdout' },
      { args: ['inspect', '-f', '{{.State.Status}} {{.State.Running}} {{.State.ExitCode}}', 'df-created'], compare: 'stdout' },
    ],
    remove: ['df-created'],
  },
  {
    name: 'inspect: Config.Cmd, Path, Args, Labels and HostConfig.Memory',
    why: 'these fields print the same in both (Config.Entrypoint does not: docker "[]", podman "")',
    steps: [
      { args: ['create', '--name', 'df-inspect', '--label', 'a=b', '-m', '64m', IMAGE, 'echo', 'a', 'b'], compare: 'code' },
      { args: ['inspect', '-f', '{{.Config.Cmd}} {{.Path}} {{.Args}} {{index .Config.Labels "a"}} {{.HostConfig.Memory}}', 'df-inspect'], compare: 'stdout' },
    ],
    remove: ['df-inspect'],
  },
  {
    name: 'run -d, logs, exec, stop, inspect, rm',
    why: 'run -d prints the id; logs keep the output; stop prints the name and a TERM trap exits 0; rm prints the name',
    steps: [
      { args: ['run', '-d', '--name', 'df-detached', IMAGE, ...idle('trap "echo stopping; exit 0" TERM;')], compare: 'stdout' },
      { args: ['logs', 'df-detached'], compare: 'stdout', until: /ready/ },
      { args: ['exec', 'df-detached', 'sh', '-c', 'echo in-exec $(cat /proc/1/comm)'], compare: 'stdout' },
      { args: ['stop', 'df-detached'], compare: 'stdout' },
      { args: ['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'df-detached'], compare: 'stdout' },
      { args: ['logs', 'df-detached'], compare: 'stdout' },
      { args: ['rm', 'df-detached'], compare: 'stdout' },
    ],
    remove: ['df-detached'],
  },
  {
    name: 'logs: the container\'s stdout and stderr stay apart',
    why: 'both engines replay stdout to stdout and stderr to stderr',
    steps: [
      { args: ['run', '--name', 'df-logs', IMAGE, 'sh', '-c', 'echo out; echo err >&2'], compare: 'output' },
      { args: ['logs', 'df-logs'], compare: 'output' },
    ],
    remove: ['df-logs'],
  },
  {
    name: 'logs --tail: the last lines only',
    why: 'both keep the last N lines; --tail 0 prints nothing',
    steps: [
      { args: ['run', '--name', 'df-tail', IMAGE, 'sh', '-c', 'echo 1; echo 2; echo 3'], compare: 'stdout' },
      { args: ['logs', '--tail', '2', 'df-tail'], compare: 'stdout' },
      { args: ['logs', '--tail', '0', 'df-tail'], compare: 'stdout' },
    ],
    remove: ['df-tail'],
  },
  {
    name: 'ps -a --format: names and status words',
    why: '"Created", "Up <time>" and "Exited (N) <time>" are docker\'s words and podman\'s; the times are normalized. Rows are sorted: docker lists newest first, podman oldest first',
    steps: [
      { args: ['create', '--name', 'df-ps-created', IMAGE, 'true'], compare: 'code' },
      { args: ['run', '--name', 'df-ps-exited', IMAGE, 'sh', '-c', 'exit 4'], compare: 'code' },
      { args: ['run', '-d', '--name', 'df-ps-up', IMAGE, 'sleep', '1000'], compare: 'code' },
      { args: ['ps', '-a', '--filter', 'name=df-ps-', '--format', '{{.Names}} {{.Status}}'], compare: 'stdout', stdout: sortLines },
      { args: ['ps', '--filter', 'name=df-ps-', '--format', '{{.Names}}'], compare: 'stdout' },
    ],
    remove: ['df-ps-created', 'df-ps-exited', 'df-ps-up'],
  },
  {
    name: 'ps and images tables: the headers, also of --format table',
    why: 'docker and podman print the same column titles (an empty ps still has its header); column widths differ, so runs of blanks are squeezed; podman\'s localhost/ is normalized. The first run makes sure mydocker\'s built-in busybox is in its store (it is written on first use)',
    steps: [
      { args: ['run', '--rm', IMAGE, 'true'], compare: 'code' },
      { args: ['ps', '-a', '--filter', 'name=df-no-such'], compare: 'stdout', stdout: squeeze },
      { args: ['ps', '-a', '--filter', 'name=df-no-such', '--format', 'table {{.Names}}\t{{.Status}}'], compare: 'stdout', stdout: squeeze },
      { args: ['images', IMAGE], compare: 'stdout', stdout: (s) => squeeze(firstLine(s)) },
      { args: ['images', '--format', 'table {{.Repository}}\t{{.Tag}}', IMAGE], compare: 'stdout', stdout: squeeze },
    ],
  },
  {
    name: 'start of a running container and stop of a stopped one succeed',
    why: 'docker\'s daemon answers both with 304 Not Modified and its CLI exits 0; podman exits 0 too but prints nothing for that start (docker prints the name), so that start compares codes only',
    steps: [
      { args: ['run', '-d', '--name', 'df-again', IMAGE, 'sleep', '1000'], compare: 'code' },
      { args: ['start', 'df-again'], compare: 'code' },
      { args: ['kill', 'df-again'], compare: 'stdout' },
      { args: ['stop', 'df-again'], compare: 'stdout' },
      { args: ['start', 'df-again'], compare: 'stdout' },
      { args: ['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'df-again'], compare: 'stdout' },
    ],
    remove: ['df-again'],
  },
  {
    name: 'run --rm: the container is gone afterwards',
    why: 'ps -a finds nothing of it in either engine',
    steps: [
      { args: ['run', '--rm', '--name', 'df-gone', IMAGE, 'true'], compare: 'code' },
      { args: ['ps', '-a', '-q', '--filter', 'name=df-gone'], compare: 'stdout' },
    ],
  },
  {
    name: 'run --name taken: refused with 125',
    why: 'docker run and podman run both exit 125 on a name conflict; their texts differ',
    steps: [
      { args: ['create', '--name', 'df-taken', IMAGE, 'true'], compare: 'code' },
      { args: ['run', '--name', 'df-taken', IMAGE, 'true'], compare: 'code' },
    ],
    remove: ['df-taken'],
  },
  {
    name: 'rm, volume rm and network rm of missing objects exit 1',
    why: 'docker\'s CLI exits 1 when the daemon answers "no such …" outside run, and podman rm/volume rm/network rm exit 1 too; texts differ, so codes only',
    todo: 'mydocker exits 125 for every engine error (ENGINE_FAILURE_EXIT in src/errors/errors.ts, asserted by many tests); docker keeps 125 for run/create and flag errors',
    steps: [
      { args: ['rm', 'df-no-such-container'], compare: 'code' },
      { args: ['volume', 'rm', 'df-no-such-volume'], compare: 'code' },
      { args: ['network', 'rm', 'df-no-such-network'], compare: 'code' },
    ],
  },
  {
    name: 'run --pull never: a missing image exits 125',
    why: 'docker and podman refuse with 125 without pulling; texts differ',
    needs: ['run', '--pull'],
    steps: [{ args: ['run', '--rm', '--pull', 'never', 'df-no-such-image:1', 'true'], compare: 'code' }],
  },
  {
    name: 'exec: exit code, -e, -w, -u',
    why: 'exec passes the command\'s code through and applies its own env, workdir and user in both',
    steps: [
      { args: ['run', '-d', '--name', 'df-exec', IMAGE, 'sleep', '1000'], compare: 'code' },
      { args: ['exec', 'df-exec', 'sh', '-c', 'exit 7'], compare: 'code' },
      { args: ['exec', '-e', 'X=1', '-w', '/tmp', 'df-exec', 'sh', '-c', 'echo $X $(pwd)'], compare: 'stdout' },
      { args: ['exec', '-u', 'nobody', 'df-exec', 'id', '-u'], compare: 'stdout' },
      { args: ['exec', '-i', 'df-exec', 'cat'], input: 'to-exec\n', compare: 'stdout' },
    ],
    remove: ['df-exec'],
  },
  {
    name: '--cap-drop: chown fails without CAP_CHOWN',
    why: 'both drop the capability; chown\'s EPERM (busybox\'s text) is the container\'s own output',
    steps: [
      { args: ['run', '--rm', '--cap-drop', 'ALL', IMAGE, 'chown', '1', '/tmp'], compare: 'output' },
      { args: ['run', '--rm', '--cap-drop', 'CHOWN', IMAGE, 'chown', '1', '/tmp'], compare: 'output' },
      { args: ['run', '--rm', IMAGE, 'chown', '1', '/tmp'], compare: 'output' },
    ],
  },
  {
    name: '--tmpfs: a writable tmpfs at the path',
    why: 'both mount tmpfs there, writable, nosuid and nodev; docker adds noexec and podman does not, so the options are not compared',
    steps: [{
      args: ['run', '--rm', '--tmpfs', '/t', IMAGE, 'sh', '-c', 'touch /t/x && grep " /t " /proc/mounts'], compare: 'stdout',
      stdout: (s) => s.split(' ').slice(0, 3).join(' ') + (/\bnosuid\b/.test(s) && /\bnodev\b/.test(s) ? ' nosuid,nodev' : ''),
    }],
  },
  {
    name: '-v: a read-only bind mount reads but refuses writes; a read-write one writes to the host',
    why: 'the container\'s output and codes are the same; the host file is read back',
    steps: [
      { args: ['run', '--rm', '-v', '{dir}:/m:ro', IMAGE, 'cat', '/m/hello.txt'], compare: 'stdout' },
      { args: ['run', '--rm', '-v', '{dir}:/m:ro', IMAGE, 'touch', '/m/x'], compare: 'output' },
      { args: ['run', '--rm', '-v', '{out}:/w', IMAGE, 'sh', '-c', 'echo from-container > /w/bind.txt'], compare: 'output' },
      { host: ['cat', '{out}/bind.txt'], compare: 'stdout' },
    ],
  },
  {
    name: '--ulimit: soft and hard limits',
    why: 'ulimit -n/-Hn show the values in both; nproc is given too because podman otherwise raises it to 1048576, which root without CAP_SYS_RESOURCE cannot',
    steps: [{ args: ['run', '--rm', '--ulimit', 'nofile=100:200', '--ulimit', 'nproc={nproc}:{nproc}', IMAGE, 'sh', '-c', 'ulimit -n; ulimit -Hn'], compare: 'stdout' }],
  },
  {
    name: '--pids-limit and -m: the cgroup limits the container sees',
    why: 'both write pids.max and the memory limit into the container\'s cgroup (v1 or v2 file names)',
    steps: [
      { args: ['run', '--rm', '--pids-limit', '5', IMAGE, 'sh', '-c', 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'], compare: 'stdout' },
      { args: ['run', '--rm', '-m', '64m', IMAGE, 'sh', '-c', 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'], compare: 'stdout' },
    ],
  },
  {
    name: '--cpu-shares and --cpus: the CPU controller\'s values',
    why: 'both write the same shares and CFS quota/period (cgroup v1 names, or cpu.max on v2)',
    steps: [
      { args: ['run', '--rm', '--cpu-shares', '512', IMAGE, 'sh', '-c', 'cat /sys/fs/cgroup/cpu/cpu.shares 2>/dev/null || cat /sys/fs/cgroup/cpu.weight'], compare: 'stdout' },
      { args: ['run', '--rm', '--cpus', '0.5', IMAGE, 'sh', '-c', 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us 2>/dev/null || cat /sys/fs/cgroup/cpu.max'], compare: 'stdout' },
    ],
  },
  {
    name: '--oom-score-adj, --security-opt no-new-privileges, --sysctl: what the process gets',
    why: 'the values show in /proc the same way in both; the defaults too (0 and NoNewPrivs 0)',
    steps: [
      { args: ['run', '--rm', IMAGE, 'sh', '-c', 'cat /proc/self/oom_score_adj; grep NoNewPrivs /proc/self/status'], compare: 'stdout' },
      { args: ['run', '--rm', '--oom-score-adj', '100', '--security-opt', 'no-new-privileges', IMAGE, 'sh', '-c', 'cat /proc/self/oom_score_adj; grep NoNewPrivs /proc/self/status'], compare: 'stdout' },
      { args: ['run', '--rm', '--sysctl', 'net.ipv4.ping_group_range=0 1000', IMAGE, 'cat', '/proc/sys/net/ipv4/ping_group_range'], compare: 'stdout' },
    ],
  },
  {
    name: 'stop: a TERM trap decides the exit code (143)',
    why: 'stop sends SIGTERM; the trap exits 143, which both record',
    steps: [
      { args: ['run', '-d', '--name', 'df-stop-trap', IMAGE, ...idle('trap "exit 143" TERM;')], compare: 'code' },
      { args: ['logs', 'df-stop-trap'], compare: 'stdout', until: /ready/ },
      { args: ['stop', 'df-stop-trap'], compare: 'stdout' },
      { args: ['inspect', '-f', '{{.State.ExitCode}}', 'df-stop-trap'], compare: 'stdout' },
    ],
    remove: ['df-stop-trap'],
  },
  {
    name: 'stop -t 1: a container that ignores TERM is killed (137)',
    why: 'after the timeout both send SIGKILL: 128+9',
    steps: [
      { args: ['run', '-d', '--name', 'df-stop-kill', IMAGE, ...idle('trap "" TERM;')], compare: 'code' },
      { args: ['logs', 'df-stop-kill'], compare: 'stdout', until: /ready/ },
      { args: ['stop', '-t', '1', 'df-stop-kill'], compare: 'stdout' },
      { args: ['inspect', '-f', '{{.State.ExitCode}}', 'df-stop-kill'], compare: 'stdout' },
    ],
    remove: ['df-stop-kill'],
  },
  {
    name: 'wait: prints the exit code',
    why: 'both print the code on a line of its own and exit 0',
    steps: [
      { args: ['run', '-d', '--name', 'df-wait', IMAGE, 'sh', '-c', 'exit 5'], compare: 'code' },
      { args: ['wait', 'df-wait'], compare: 'stdout' },
    ],
    remove: ['df-wait'],
  },
  {
    name: 'kill -s USR1: the signal reaches the trap; kill: SIGKILL (137)',
    why: 'kill prints the name; the trap\'s exit code and output are recorded by both',
    steps: [
      { args: ['run', '-d', '--name', 'df-kill-usr1', IMAGE, ...idle('trap "echo got-usr1; exit 9" USR1;')], compare: 'code' },
      { args: ['logs', 'df-kill-usr1'], compare: 'stdout', until: /ready/ },
      { args: ['kill', '-s', 'USR1', 'df-kill-usr1'], compare: 'stdout' },
      { args: ['wait', 'df-kill-usr1'], compare: 'stdout' },
      { args: ['logs', 'df-kill-usr1'], compare: 'stdout' },
      { args: ['run', '-d', '--name', 'df-kill', IMAGE, 'sleep', '1000'], compare: 'code' },
      { args: ['kill', 'df-kill'], compare: 'stdout' },
      { args: ['wait', 'df-kill'], compare: 'stdout' },
    ],
    remove: ['df-kill-usr1', 'df-kill'],
  },
  {
    name: 'rename: the new name finds the container, the old one nothing',
    why: 'rename prints nothing in both; inspect and ps use the new name; inspect of the old name exits 125 in podman and 1 in docker, so it is not compared',
    steps: [
      { args: ['create', '--name', 'df-before', IMAGE, 'true'], compare: 'code' },
      { args: ['rename', 'df-before', 'df-after'], compare: 'stdout' },
      { args: ['inspect', '-f', '{{.State.Status}}', 'df-after'], compare: 'stdout' },
      { args: ['ps', '-a', '--filter', 'name=df-before', '--filter', 'name=df-after', '--format', '{{.Names}}'], compare: 'stdout' },
    ],
    remove: ['df-before', 'df-after'],
  },
  {
    name: 'pause, unpause, restart',
    why: 'both print the name and report paused/running in State.Status (State.Running of a paused container differs: docker true, podman false)',
    steps: [
      { args: ['run', '-d', '--name', 'df-pause', IMAGE, 'sleep', '1000'], compare: 'code' },
      { args: ['pause', 'df-pause'], compare: 'stdout' },
      { args: ['inspect', '-f', '{{.State.Status}} {{.State.Paused}}', 'df-pause'], compare: 'stdout' },
      { args: ['unpause', 'df-pause'], compare: 'stdout' },
      { args: ['restart', '-t', '0', 'df-pause'], compare: 'stdout' },
      { args: ['inspect', '-f', '{{.State.Status}} {{.State.Paused}}', 'df-pause'], compare: 'stdout' },
    ],
    remove: ['df-pause'],
  },
  {
    name: 'port: a container without published ports lists none',
    why: 'both print nothing and exit 0. Published ports are not compared: podman\'s private store has no bridge network (host-wide iptables), and `port C 80` of an unpublished port is an error in docker, empty in podman',
    steps: [
      { args: ['run', '-d', '--name', 'df-port', IMAGE, 'sleep', '1000'], compare: 'code' },
      { args: ['port', 'df-port'], compare: 'stdout' },
    ],
    remove: ['df-port'],
  },
  {
    name: 'top: the container\'s processes; with ps options, their columns',
    why: 'docker runs the host\'s ps (UID PID … CMD, host pids) and podman its own descriptors (USER PID … COMMAND, container pids), so the default output is compared as "a row shows the command"; with `-o pid,comm` both print the header PID COMMAND',
    steps: [
      { args: ['run', '-d', '--name', 'df-top', IMAGE, 'sleep', '1000'], compare: 'code' },
      { args: ['top', 'df-top'], compare: 'stdout', stdout: (s) => keepLines(/sleep 1000/)(s).replace(/^.*(sleep 1000).*$/gm, '$1') },
      { args: ['top', 'df-top', '-o', 'pid,comm'], compare: 'stdout', stdout: (s) => squeeze(firstLine(s)) },
    ],
    remove: ['df-top'],
  },
  {
    name: 'diff: added and changed paths',
    why: 'A and C lines for what the container wrote, sorted; podman also reports C /etc (its /etc/hosts handling) and docker does not, so /etc lines are left out',
    needs: ['diff'],
    steps: [
      { args: ['run', '-d', '--name', 'df-diff', IMAGE, 'sleep', '1000'], compare: 'code' },
      { args: ['exec', 'df-diff', 'sh', '-c', 'echo x > /new; mkdir /tmp/dd'], compare: 'code' },
      { args: ['diff', 'df-diff'], compare: 'stdout', stdout: (s) => sortLines(dropLines(/ \/etc(\/|$)/)(s)) },
    ],
    remove: ['df-diff'],
  },
  {
    name: 'cp: a host file into a container and a container file out',
    why: 'the file arrives with its content both ways; cp prints nothing',
    steps: [
      { args: ['run', '-d', '--name', 'df-cp', IMAGE, 'sleep', '1000'], compare: 'code' },
      { args: ['cp', '{dir}/hello.txt', 'df-cp:/tmp/in.txt'], compare: 'stdout' },
      { args: ['exec', 'df-cp', 'cat', '/tmp/in.txt'], compare: 'stdout' },
      { args: ['cp', 'df-cp:/etc/passwd', '{out}/passwd'], compare: 'stdout' },
      { host: ['cat', '{out}/passwd'], compare: 'stdout' },
    ],
    remove: ['df-cp'],
  },
  {
    name: 'export -o: the container\'s filesystem as a tar',
    why: 'the same busybox gives the same member list (sorted) in both; docker also exports what its init layer adds (.dockerenv, mount points for /etc/hosts, hostname, resolv.conf, /dev/console…) and podman does not, so those paths are left out',
    steps: [
      { args: ['create', '--name', 'df-export', IMAGE, 'true'], compare: 'code' },
      { args: ['export', '-o', '{out}/export.tar', 'df-export'], compare: 'stdout' },
      { host: ['sh', '-c', 'tar -tf "$0" | sort', '{out}/export.tar'], compare: 'stdout', stdout: dropLines(INIT_LAYER) },
    ],
    remove: ['df-export'],
  },
  {
    name: 'commit, then run the new image',
    why: 'commit prints the image id (docker with sha256:, podman without: both normalized); the committed file is in the image',
    steps: [
      { args: ['run', '--name', 'df-commit', IMAGE, 'sh', '-c', 'echo committed > /marker'], compare: 'code' },
      { args: ['commit', 'df-commit', 'df-committed:v1'], compare: 'code' },
      { args: ['run', '--rm', 'df-committed:v1', 'cat', '/marker'], compare: 'stdout' },
    ],
    remove: ['df-commit'],
    cleanup: [['rmi', 'df-committed:v1']],
  },
  {
    name: 'tag, images --format, rmi of a tag',
    why: 'the new name lists beside busybox (podman\'s localhost/ prefix normalized, lines sorted); rmi of one of two tags only untags, and prints the same line',
    steps: [
      { args: ['tag', IMAGE, 'df-tagged:v1'], compare: 'stdout' },
      { args: ['images', '--format', '{{.Repository}}:{{.Tag}}'], compare: 'stdout', stdout: (s) => sortLines(keepLines(/^(df-tagged|busybox):/)(s)) },
      { args: ['run', '--rm', 'df-tagged:v1', 'echo', 'tagged'], compare: 'stdout' },
      { args: ['rmi', 'df-tagged:v1'], compare: 'stdout' },
      { args: ['images', '-q', 'df-tagged'], compare: 'stdout' },
    ],
    cleanup: [['rmi', 'df-tagged:v1']],
  },
  {
    name: 'volume create, ls, inspect, use, rm',
    why: 'create and rm print the name; ls/inspect show the name with driver local and scope local; data outlives a container',
    steps: [
      { args: ['volume', 'create', 'df-vol'], compare: 'stdout' },
      { args: ['volume', 'ls', '--format', '{{.Name}} {{.Driver}}'], compare: 'stdout', stdout: keepLines(/^df-vol /) },
      { args: ['volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Scope}}', 'df-vol'], compare: 'stdout' },
      { args: ['run', '--rm', '-v', 'df-vol:/data', IMAGE, 'sh', '-c', 'echo persisted > /data/f'], compare: 'code' },
      { args: ['run', '--rm', '-v', 'df-vol:/data:ro', IMAGE, 'cat', '/data/f'], compare: 'stdout' },
      { args: ['volume', 'rm', 'df-vol'], compare: 'stdout' },
      { args: ['volume', 'ls', '-q'], compare: 'stdout', stdout: keepLines(/^df-vol$/) },
    ],
    cleanup: [['volume', 'rm', '-f', 'df-vol']],
  },
  {
    name: 'network create, ls, inspect, rm',
    why: 'create prints the id in docker and the name in podman (code only); ls lists it as a bridge (the predefined networks differ: docker bridge/host/none, podman "podman"); rm prints the name',
    steps: [
      { args: ['network', 'create', 'df-net'], compare: 'code' },
      { args: ['network', 'ls', '--format', '{{.Name}} {{.Driver}}'], compare: 'stdout', stdout: keepLines(/^df-net /) },
      { args: ['network', 'inspect', '-f', '{{.Name}} {{.Driver}}', 'df-net'], compare: 'stdout' },
      { args: ['network', 'rm', 'df-net'], compare: 'stdout' },
      { args: ['network', 'ls', '-q', '--filter', 'name=df-net'], compare: 'stdout' },
    ],
    cleanup: [['network', 'rm', 'df-net']],
  },
];
