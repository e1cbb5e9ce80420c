#!/usr/bin/env bash
# iocflow local service stack, without Docker: Kafka (KRaft), memcached, Elasticsearch.
#
#   bash scripts/stack.sh up | down [--purge] | status
#   bash scripts/stack.sh start|stop|restart kafka|memcached|elasticsearch
#
# Everything lives under one folder (IOCFLOW_STACK_DIR, default /var/tmp/iocflow-stack):
#   downloads/      cached artifacts (Kafka jars, ES distribution, memcached .deb) - never purged
#   kafka/          config/, data/<version>/, logs/, kafka.pid
#   memcached/      logs/, memcached.pid
#   elasticsearch/  config/<version>/, data/<version>/, logs/, tmp/, elasticsearch.pid
# See docs/local-stack.md for the details, the env vars and troubleshooting.
set -euo pipefail

# ---------------------------------------------------------------------------
# Phase 0: settings (all overridable from the environment)
# ---------------------------------------------------------------------------
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STACK_FILES="$SCRIPT_DIR/stack"

STACK_DIR="${IOCFLOW_STACK_DIR:-/var/tmp/iocflow-stack}"
DL_DIR="${STACK_DOWNLOADS_DIR:-$STACK_DIR/downloads}"  # share it between stack dirs if you like
STACK_TIMEOUT="${STACK_TIMEOUT:-180}"          # seconds to wait for a service to become ready
STACK_STOP_TIMEOUT="${STACK_STOP_TIMEOUT:-30}" # seconds between SIGTERM and SIGKILL

KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_NUM_PARTITIONS="${KAFKA_NUM_PARTITIONS:-1}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_JAVA_HOME="${KAFKA_JAVA_HOME:-}"

MEMCACHED_PORT="${MEMCACHED_PORT:-11211}"
MEMCACHED_MEMORY_MB="${MEMCACHED_MEMORY_MB:-1024}"

ES_VERSION="${ES_VERSION:-8.19.21}"
ELASTICSEARCH_PORT="${ELASTICSEARCH_PORT:-9200}"
ELASTICSEARCH_TRANSPORT_PORT="${ELASTICSEARCH_TRANSPORT_PORT:-9300}"
ES_HEAP="${ES_HEAP:-1g}"
ES_USER="${ES_USER:-iocflow-es}"               # only used when running as root
ES_JAVA_HOME="${ES_JAVA_HOME:-}"
TEMURIN25_HOME="${TEMURIN25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

SERVICES=(memcached kafka elasticsearch)

KAFKA_DIR="$STACK_DIR/kafka"
MC_DIR="$STACK_DIR/memcached"
ES_DIR="$STACK_DIR/elasticsearch"
KAFKA_LIBS="$DL_DIR/kafka-$KAFKA_VERSION/libs"
ES_HOME="$DL_DIR/elasticsearch-$ES_VERSION"
MC_ROOT="$DL_DIR/memcached-root"               # memcached .deb unpacked here

IS_ROOT=0; [[ "$(id -u)" == 0 ]] && IS_ROOT=1

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------
log()  { printf '[stack %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
warn() { printf '[stack %s] WARN: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { printf '[stack %s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }
secs_since() { local t=$(( $(now_ms) - $1 )); printf '%d.%01ds' $((t / 1000)) $(((t % 1000) / 100)); }

# port_open PORT: true if something accepts TCP connections on 127.0.0.1:PORT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_alive PIDFILE MARKER: true if the pid in PIDFILE runs and its command line contains MARKER
pid_alive() {
  local pidfile="$1" marker="$2" pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(cat "$pidfile" 2>/dev/null)"; [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  local cmdline
  cmdline="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
  # (no "| grep -q" here: with pipefail, grep quitting early fails the pipe on long cmdlines)
  [[ "$cmdline" == *"$marker"* ]]
}
read_pid() { cat "$1" 2>/dev/null || true; }

# java_home_for MAJOR_MIN: the JDK to use for a given minimum Java version
default_java_home() { dirname "$(dirname "$(readlink -f "$(command -v java)")")"; }
java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }

tail_logs() { # tail_logs FILE... : print the end of the given logs (for failures)
  local f
  for f in "$@"; do
    [[ -f "$f" ]] || continue
    printf -- '----- last 40 lines of %s -----\n' "$f" >&2
    tail -n 40 "$f" >&2 || true
  done
}

# shellcheck disable=SC2086 # STACK_MVN_ARGS is a list of extra flags (e.g. -Dmaven.repo.local=...)
mvn_run() { # mvn output goes to downloads/mvn-<pid>.log, shown only on failure
  local mlog="$DL_DIR/mvn-$BASHPID.log"
  if mvn -B -q -Dstyle.color=never ${STACK_MVN_ARGS:-} "$@" >"$mlog" 2>&1; then rm -f "$mlog"
  else tail_logs "$mlog"; return 1; fi
}

# ---------------------------------------------------------------------------
# Phase 1: downloads (cached in $DL_DIR; nothing is fetched twice)
# ---------------------------------------------------------------------------
fetch_kafka() {
  if [[ -f "$KAFKA_LIBS/.complete" ]]; then return 0; fi
  log "kafka: resolving kafka_2.13:$KAFKA_VERSION jars from Maven Central"
  rm -rf "$KAFKA_LIBS"; mkdir -p "$KAFKA_LIBS"
  mvn_run -f "$STACK_FILES/kafka-pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$KAFKA_LIBS" \
    || die "kafka: could not resolve Kafka $KAFKA_VERSION from Maven Central"
  touch "$KAFKA_LIBS/.complete"
}

fetch_elasticsearch() {
  if [[ -f "$ES_HOME/.complete" ]]; then return 0; fi
  local zip="$DL_DIR/elasticsearch-$ES_VERSION.zip"
  if [[ ! -s "$zip" ]]; then
    log "elasticsearch: fetching integ-test-zip $ES_VERSION from Maven Central"
    mvn_run dependency:copy \
      -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      -DoutputDirectory="$DL_DIR" \
      || die "elasticsearch: could not fetch $ES_VERSION (is it published as integ-test-zip?)"
  fi
  log "elasticsearch: unpacking $zip"
  rm -rf "$ES_HOME" "$ES_HOME.tmp"; mkdir -p "$ES_HOME.tmp"
  (cd "$ES_HOME.tmp" && unzip -q "$zip")
  mv "$ES_HOME.tmp/elasticsearch-$ES_VERSION" "$ES_HOME"; rmdir "$ES_HOME.tmp"
  mkdir -p "$ES_HOME/plugins"
  chmod -R a+rX "$ES_HOME"
  touch "$ES_HOME/.complete"
}

memcached_bin() { # prints the memcached binary to use
  if [[ -x "$MC_ROOT/usr/bin/memcached" ]]; then echo "$MC_ROOT/usr/bin/memcached"
  elif [[ -n "${MEMCACHED_BIN:-}" ]]; then echo "$MEMCACHED_BIN"
  else echo ""; fi
}

fetch_memcached() {
  # We never install Debian's memcached package (its postinst would start a system
  # instance on 11211); we unpack the .deb into downloads/ and run that binary ourselves.
  [[ -n "${MEMCACHED_BIN:-}" || -x "$MC_ROOT/usr/bin/memcached" ]] && return 0
  log "memcached: fetching Debian package (apt-get download)"
  local tmp="$DL_DIR/memcached-debs"; rm -rf "$tmp"; mkdir -p "$tmp"
  if ! (cd "$tmp" && apt-get download memcached >/dev/null 2>&1); then
    [[ $IS_ROOT == 1 ]] || die "memcached: 'apt-get download memcached' failed; run 'sudo apt-get update' or set MEMCACHED_BIN"
    apt-get update -qq >/dev/null
    (cd "$tmp" && apt-get download memcached >/dev/null) || die "memcached: apt-get download failed"
  fi
  rm -rf "$MC_ROOT.tmp"; mkdir -p "$MC_ROOT.tmp"
  dpkg-deb -x "$tmp"/memcached_*.deb "$MC_ROOT.tmp"
  # shared libraries it needs (libevent, libsasl2) are normally on the box; if not, fetch them too
  local missing
  missing="$(ldd "$MC_ROOT.tmp/usr/bin/memcached" | awk '/not found/{print $1}')"
  if [[ -n "$missing" ]]; then
    log "memcached: missing libraries: $missing"
    if [[ $IS_ROOT == 1 ]]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libevent-2.1-7 libsasl2-2 >/dev/null
    else
      (cd "$tmp" && apt-get download libevent-2.1-7 libsasl2-2 >/dev/null) || die "memcached: cannot fetch libraries"
      local d; for d in "$tmp"/lib*.deb; do dpkg-deb -x "$d" "$MC_ROOT.tmp"; done
    fi
  fi
  rm -rf "$MC_ROOT"; mv "$MC_ROOT.tmp" "$MC_ROOT"; rm -rf "$tmp"
}

ensure_kcat() { # kcat is only used for the Kafka readiness probe; optional
  command -v kcat >/dev/null && return 0
  [[ $IS_ROOT == 1 ]] || return 0
  log "installing kcat (apt) for the Kafka readiness probe"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat >/dev/null 2>&1; } \
    || warn "could not install kcat; Kafka readiness falls back to port + log check"
}

fetch_service() { case "$1" in
  kafka) fetch_kafka ;;
  memcached) fetch_memcached ;;
  elasticsearch) fetch_elasticsearch ;;
esac; }

# ---------------------------------------------------------------------------
# Phase 2: health probes
# ---------------------------------------------------------------------------
kafka_healthy() {
  pid_alive "$KAFKA_DIR/kafka.pid" kafka.Kafka || return 1
  if command -v kcat >/dev/null; then
    kcat -b "127.0.0.1:$KAFKA_PORT" -L -m 3 2>/dev/null | grep -q 'broker 1 at'
  else
    port_open "$KAFKA_PORT" && grep -q 'Kafka Server started' "$KAFKA_DIR/logs/server.log" 2>/dev/null
  fi
}

memcached_version() { # prints "VERSION x.y.z" from the server, or fails
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/$MEMCACHED_PORT" || return 1
  printf 'version\r\n' >&3
  IFS= read -r -t 3 reply <&3 || { exec 3>&-; return 1; }
  exec 3>&-
  reply="${reply%$'\r'}"
  [[ "$reply" == VERSION* ]] && echo "$reply"
}
memcached_healthy() {
  pid_alive "$MC_DIR/memcached.pid" memcached || return 1
  memcached_version >/dev/null 2>&1
}

# es_health: prints the health JSON; fails unless status>=yellow and X-elastic-product is right
es_health() {
  local out hdr
  out="$(curl -sS -m 5 -D - "http://127.0.0.1:$ELASTICSEARCH_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null)" || return 1
  hdr="$(printf '%s' "$out" | tr -d '\r' | grep -i '^x-elastic-product:' || true)"
  [[ "${hdr#*: }" == "Elasticsearch" ]] || return 1
  printf '%s' "$out" | tail -n 1 | grep -Eq '"status":"(yellow|green)"' || return 1
  printf '%s\n' "$(printf '%s' "$out" | tail -n 1)"
}
elasticsearch_healthy() {
  pid_alive "$ES_DIR/elasticsearch.pid" org.elasticsearch.bootstrap.Elasticsearch || return 1
  es_health >/dev/null
}

healthy() { "${1}_healthy"; }

# ---------------------------------------------------------------------------
# Phase 3: start (detached with setsid/nohup, so services outlive this shell)
# ---------------------------------------------------------------------------
assert_port_free() { # assert_port_free SVC PORT
  if port_open "$2"; then
    die "$1: port $2 is already taken by another process (not ours):
$(ss -ltnp "sport = :$2" 2>/dev/null | tail -n +2)
stop it or choose another port (see docs/local-stack.md)"
  fi
}

start_kafka() {
  local java_home="${KAFKA_JAVA_HOME:-$(default_java_home)}"
  local data="$KAFKA_DIR/data/$KAFKA_VERSION" conf="$KAFKA_DIR/config/server.properties"
  mkdir -p "$KAFKA_DIR/config" "$KAFKA_DIR/logs" "$data"
  assert_port_free kafka "$KAFKA_PORT"; assert_port_free kafka-controller "$KAFKA_CONTROLLER_PORT"

  # single combined broker+controller; static quorum so the same config works for 3.9.x and 4.x
  cat >"$conf" <<EOF
# generated by scripts/stack.sh - edits are overwritten on every start
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$data
num.partitions=$KAFKA_NUM_PARTITIONS
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=${KAFKA_OFFSETS_PARTITIONS:-10}
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
EOF

  # a copy of the log config, so a running broker does not depend on this checkout
  cp "$STACK_FILES/kafka-log4j2.properties" "$KAFKA_DIR/config/log4j2.properties"
  local cp="$KAFKA_LIBS/*"
  local jopts=(-Dlog4j2.configurationFile="$KAFKA_DIR/config/log4j2.properties"
               -Dkafka.logs.dir="$KAFKA_DIR/logs" -Djava.awt.headless=true)
  # format the storage once per data dir (meta.properties marks a formatted dir)
  if [[ ! -f "$data/meta.properties" ]]; then
    local cid
    cid="$("$java_home/bin/java" "${jopts[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    [[ -n "$cid" ]] || die "kafka: StorageTool random-uuid failed"
    log "kafka: formatting storage $data (cluster id $cid)"
    "$java_home/bin/java" "${jopts[@]}" -cp "$cp" kafka.tools.StorageTool format \
      -t "$cid" -c "$conf" >"$KAFKA_DIR/logs/format.log" 2>&1 \
      || { tail_logs "$KAFKA_DIR/logs/format.log"; die "kafka: storage format failed"; }
  fi

  log "kafka: starting $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT, java $(java_major "$java_home"))"
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of flags
  setsid nohup "$java_home/bin/java" $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    "${jopts[@]}" -cp "$cp" kafka.Kafka "$conf" \
    >"$KAFKA_DIR/logs/stdout.log" 2>&1 </dev/null &
  echo $! >"$KAFKA_DIR/kafka.pid"
  printf 'version=%s\nport=%s\ndata=%s\n' "$KAFKA_VERSION" "$KAFKA_PORT" "$data" >"$KAFKA_DIR/run.info"
}

start_memcached() {
  local bin; bin="$(memcached_bin)"; [[ -n "$bin" ]] || die "memcached: binary missing"
  mkdir -p "$MC_DIR/logs"
  assert_port_free memcached "$MEMCACHED_PORT"
  local args=(-l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 -m "$MEMCACHED_MEMORY_MB" -c 4096 -t 2)
  [[ $IS_ROOT == 1 ]] && args+=(-u nobody)   # memcached refuses to run as root without -u
  log "memcached: starting on 127.0.0.1:$MEMCACHED_PORT (-m $MEMCACHED_MEMORY_MB)"
  LD_LIBRARY_PATH="$MC_ROOT/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    setsid nohup "$bin" "${args[@]}" >"$MC_DIR/logs/memcached.log" 2>&1 </dev/null &
  echo $! >"$MC_DIR/memcached.pid"
  printf 'port=%s\ndata=(in memory, %s MB)\n' "$MEMCACHED_PORT" "$MEMCACHED_MEMORY_MB" >"$MC_DIR/run.info"
}

es_java_home() { # ES 8.x runs on Java 17+, ES 9.x needs Java 21+: use Temurin 25 for 9+
  if [[ -n "$ES_JAVA_HOME" ]]; then echo "$ES_JAVA_HOME"; return; fi
  if (( ${ES_VERSION%%.*} >= 9 )); then
    [[ -x "$TEMURIN25_HOME/bin/java" ]] || die "elasticsearch: ES $ES_VERSION needs Java 21+; set ES_JAVA_HOME or TEMURIN25_HOME"
    echo "$TEMURIN25_HOME"
  else
    default_java_home
  fi
}

ensure_es_user() { # root only: ES refuses to run as root, so it gets its own system user
  id -u "$ES_USER" >/dev/null 2>&1 && return 0
  log "elasticsearch: creating system user $ES_USER"
  useradd --system --user-group --no-create-home --home-dir "$ES_DIR" --shell /usr/sbin/nologin "$ES_USER"
}

start_elasticsearch() {
  local java_home; java_home="$(es_java_home)"
  local conf="$ES_DIR/config/$ES_VERSION" data="$ES_DIR/data/$ES_VERSION"
  mkdir -p "$ES_DIR/logs" "$ES_DIR/tmp" "$data" "$conf/jvm.options.d"
  assert_port_free elasticsearch "$ELASTICSEARCH_PORT"
  assert_port_free elasticsearch-transport "$ELASTICSEARCH_TRANSPORT_PORT"

  # config dir: the distribution's defaults, plus our elasticsearch.yml and heap options
  [[ -f "$conf/log4j2.properties" ]] || cp -r "$ES_HOME/config/." "$conf/"
  {
    echo "# generated by scripts/stack.sh - edits are overwritten on every start"
    echo "cluster.name: iocflow-local"
    echo "node.name: iocflow-es-1"
    echo "path.data: $data"
    echo "path.logs: $ES_DIR/logs"
    echo "network.host: 127.0.0.1"
    echo "http.port: $ELASTICSEARCH_PORT"
    echo "transport.port: $ELASTICSEARCH_TRANSPORT_PORT"
    echo "discovery.type: single-node"
    echo "cluster.routing.allocation.disk.threshold_enabled: false"
    echo "action.destructive_requires_name: false"
    # the integ-test zip carries x-pack-security in some versions; settings of absent modules are rejected
    if [[ -d "$ES_HOME/modules/x-pack-security" ]]; then echo "xpack.security.enabled: false"; fi
  } >"$conf/elasticsearch.yml"
  printf -- '-Xms%s\n-Xmx%s\n' "$ES_HEAP" "$ES_HEAP" >"$conf/jvm.options.d/iocflow-heap.options"
  rm -f "$ES_DIR/elasticsearch.pid"

  local run=()
  if [[ $IS_ROOT == 1 ]]; then
    ensure_es_user
    chown -R "$ES_USER:$ES_USER" "$ES_DIR"
    runuser -u "$ES_USER" -- test -r "$ES_HOME/bin/elasticsearch" \
      || die "elasticsearch: user $ES_USER cannot read $ES_HOME; IOCFLOW_STACK_DIR must be world-traversable (not under /root)"
    run=(runuser -u "$ES_USER" --)
  fi
  log "elasticsearch: starting $ES_VERSION on 127.0.0.1:$ELASTICSEARCH_PORT (java $(java_major "$java_home")${run:+, as user $ES_USER})"
  # -d daemonizes the server and -p writes its real pid; the launcher itself is
  # backgrounded so kafka/memcached/ES boot in parallel (it exits once ES is up)
  pushd "$ES_DIR/logs" >/dev/null   # cwd of the JVM: gc.log / hs_err files land here
  setsid nohup "${run[@]}" env ES_JAVA_HOME="$java_home" JAVA_HOME="$java_home" \
    ES_PATH_CONF="$conf" ES_TMPDIR="$ES_DIR/tmp" ES_JAVA_OPTS="${ES_JAVA_OPTS:-}" \
    "$ES_HOME/bin/elasticsearch" -d -p "$ES_DIR/elasticsearch.pid" \
    >"$ES_DIR/logs/launcher.log" 2>&1 </dev/null &
  echo $! >"$ES_DIR/launcher.pid"
  popd >/dev/null
  printf 'version=%s\nport=%s\ndata=%s\njava=%s\n' "$ES_VERSION" "$ELASTICSEARCH_PORT" "$data" "$java_home" >"$ES_DIR/run.info"
}

# ---------------------------------------------------------------------------
# Phase 4: wait for readiness
# ---------------------------------------------------------------------------
svc_logs() { case "$1" in
  kafka) echo "$KAFKA_DIR/logs/stdout.log $KAFKA_DIR/logs/server.log" ;;
  memcached) echo "$MC_DIR/logs/memcached.log" ;;
  elasticsearch) echo "$ES_DIR/logs/launcher.log $ES_DIR/logs/iocflow-local.log" ;;
esac; }
svc_pidfile() { case "$1" in
  kafka) echo "$KAFKA_DIR/kafka.pid" ;; memcached) echo "$MC_DIR/memcached.pid" ;;
  elasticsearch) echo "$ES_DIR/elasticsearch.pid" ;; esac; }
svc_marker() { case "$1" in
  kafka) echo kafka.Kafka ;; memcached) echo memcached ;; elasticsearch) echo org.elasticsearch.bootstrap.Elasticsearch ;; esac; }

wait_ready() { # wait_ready SVC START_MS
  local svc="$1" t0="$2" deadline=$(( $(date +%s) + STACK_TIMEOUT ))
  while (( $(date +%s) < deadline )); do
    if healthy "$svc"; then log "$svc: ready after $(secs_since "$t0")"; return 0; fi
    # a launched service whose process is gone will not come up: fail fast
    if ! pid_alive "$(svc_pidfile "$svc")" "$(svc_marker "$svc")"; then
      if [[ "$svc" != elasticsearch ]]; then break; fi
      # ES: before the server writes its pid file, only the launcher is there
      pid_alive "$ES_DIR/launcher.pid" elasticsearch || break
    fi
    sleep 1
  done
  # shellcheck disable=SC2046
  tail_logs $(svc_logs "$svc")
  die "$svc: not ready after $(secs_since "$t0") (timeout ${STACK_TIMEOUT}s); logs above"
}

# ---------------------------------------------------------------------------
# Phase 5: stop (SIGTERM, wait, SIGKILL)
# ---------------------------------------------------------------------------
stop_service() {
  local svc="$1" pidfile marker pid i
  pidfile="$(svc_pidfile "$svc")"; marker="$(svc_marker "$svc")"
  if [[ $svc == elasticsearch ]]; then # still booting: let the launcher hand over the server pid
    for (( i = 0; i < STACK_TIMEOUT; i++ )); do
      if pid_alive "$ES_DIR/launcher.pid" elasticsearch && ! pid_alive "$pidfile" "$marker"; then sleep 1
      else break; fi
    done
  fi
  if ! pid_alive "$pidfile" "$marker"; then
    log "$svc: not running"; rm -f "$pidfile"; return 0
  fi
  pid="$(read_pid "$pidfile")"
  log "$svc: stopping pid $pid (SIGTERM)"
  kill -TERM "$pid" 2>/dev/null || true
  for (( i = 0; i < STACK_STOP_TIMEOUT * 5; i++ )); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$svc: still alive after ${STACK_STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true; sleep 0.5
  fi
  rm -f "$pidfile"
  log "$svc: stopped"
}

purge_data() {
  log "purging data (downloads are kept)"
  rm -rf "$KAFKA_DIR" "$MC_DIR" "$ES_DIR"
}

# ---------------------------------------------------------------------------
# Phase 6: status
# ---------------------------------------------------------------------------
info_get() { sed -n "s/^$2=//p" "$1/run.info" 2>/dev/null | head -1; }

status_line() { # prints one service's status; fails if it is not running and healthy
  local svc="$1" dir pid ver port data extra="" state
  case "$svc" in
    kafka) dir="$KAFKA_DIR" ;; memcached) dir="$MC_DIR" ;; elasticsearch) dir="$ES_DIR" ;;
  esac
  pid="$(read_pid "$(svc_pidfile "$svc")")"
  port="$(info_get "$dir" port)"; data="$(info_get "$dir" data)"; ver="$(info_get "$dir" version)"
  if healthy "$svc"; then
    state=running
    case "$svc" in
      memcached) ver="$(memcached_version | sed 's/^VERSION //')" ;;
      elasticsearch)
        local hdr
        hdr="$(curl -sS -m 5 -o /dev/null -D - "http://127.0.0.1:$port/_cluster/health" | tr -d '\r' | grep -i '^x-elastic-product:' || true)"
        # (GET / is not routed in the integ-test zip; the nodes API carries the version)
        ver="$(curl -sS -m 5 "http://127.0.0.1:$port/_nodes/_local?filter_path=nodes.*.version" 2>/dev/null \
               | sed -n 's/.*"version":"\([^"]*\)".*/\1/p')"
        [[ -n "$ver" ]] || ver="$(info_get "$dir" version)"
        extra="  health=$(es_health | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')  header='$hdr'" ;;
    esac
  elif pid_alive "$(svc_pidfile "$svc")" "$(svc_marker "$svc")"; then
    state="running-unhealthy"
  else
    state=stopped; pid="-"
  fi
  printf '%-14s %-18s pid=%-8s port=%-6s version=%-10s data=%s%s\n' \
    "$svc" "$state" "${pid:--}" "${port:--}" "${ver:--}" "${data:--}" "$extra"
  [[ $state == running ]]
}

cmd_status() {
  echo "stack dir: $STACK_DIR"
  local svc rc=0
  for svc in "${SERVICES[@]}"; do status_line "$svc" || rc=1; done
  return $rc
}

# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
prepare_dirs() {
  mkdir -p "$STACK_DIR" "$DL_DIR"
  # the ES system user must be able to traverse these when we run as root
  [[ $IS_ROOT == 1 ]] && chmod 755 "$STACK_DIR" "$DL_DIR"
  return 0
}

cmd_up() {
  local t0 svc pending=() starts=() pids=() i
  t0="$(now_ms)"
  log "stack dir: $STACK_DIR  (kafka $KAFKA_VERSION, elasticsearch $ES_VERSION)"
  prepare_dirs

  # which services need starting? healthy ones are left alone (up is idempotent)
  for svc in "${SERVICES[@]}"; do
    if healthy "$svc"; then log "$svc: already running (pid $(read_pid "$(svc_pidfile "$svc")"))"
    else pending+=("$svc"); fi
  done
  if (( ${#pending[@]} == 0 )); then log "up: all services already running ($(secs_since "$t0"))"; return 0; fi

  # downloads in parallel (each is a no-op when cached)
  local td; td="$(now_ms)"
  for svc in "${pending[@]}"; do fetch_service "$svc" & pids+=($!); done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || die "${pending[$i]}: download failed"; done
  [[ " ${pending[*]} " == *" kafka "* ]] && ensure_kcat   # apt-get install: not in parallel
  log "downloads: done in $(secs_since "$td")"

  # start everything, then wait for all of it (services boot in parallel)
  for svc in "${pending[@]}"; do
    if pid_alive "$(svc_pidfile "$svc")" "$(svc_marker "$svc")" \
       || { [[ $svc == elasticsearch ]] && pid_alive "$ES_DIR/launcher.pid" elasticsearch; }; then
      log "$svc: process already running, waiting for it to become ready"
    else
      "start_$svc"
    fi
    starts+=("$(now_ms)")
  done
  for i in "${!pending[@]}"; do wait_ready "${pending[$i]}" "${starts[$i]}"; done
  log "up: all services ready in $(secs_since "$t0")"
}

cmd_down() {
  local purge="${STACK_PURGE:-0}" svc
  [[ "${1:-}" == "--purge" ]] && purge=1
  for svc in "${SERVICES[@]}"; do stop_service "$svc"; done
  [[ "$purge" == 1 ]] && purge_data
  return 0
}

cmd_start() {
  local svc="$1" t0; t0="$(now_ms)"
  prepare_dirs
  if healthy "$svc"; then log "$svc: already running"; return 0; fi
  fetch_service "$svc"; [[ "$svc" == kafka ]] && ensure_kcat
  pid_alive "$(svc_pidfile "$svc")" "$(svc_marker "$svc")" || "start_$svc"
  wait_ready "$svc" "$t0"
}

usage() {
  cat <<EOF
usage: bash scripts/stack.sh <command>
  up                      download (cached) and start kafka, memcached, elasticsearch; no-op if running
  down [--purge]          stop all services; --purge (or STACK_PURGE=1) also deletes their data
  status                  show each service; exit 1 if any is not running and healthy
  start|stop|restart SVC  SVC = kafka | memcached | elasticsearch
stack dir: $STACK_DIR (IOCFLOW_STACK_DIR)
EOF
}

check_svc() {
  case "${1:-}" in kafka|memcached|elasticsearch) ;; *) usage >&2; die "unknown service '${1:-}'";; esac
}

main() {
  local cmd="${1:-}"; shift || true
  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down "$@" ;;
    status) cmd_status ;;
    start) check_svc "${1:-}"; cmd_start "$1" ;;
    stop) check_svc "${1:-}"; stop_service "$1" ;;
    restart) check_svc "${1:-}"; stop_service "$1"; cmd_start "$1" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
