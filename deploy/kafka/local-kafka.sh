#!/usr/bin/env bash
# Local single-node Apache Kafka broker (KRaft, no ZooKeeper, no Docker) for development and CI.
#
# The broker is the real Apache Kafka, run from the Maven jars declared in pom.xml beside this script
# (kafka_2.13 + kafka-tools + log4j2). Jars, data and logs live in a cache dir outside git.
#
# Usage: deploy/kafka/local-kafka.sh COMMAND [args]
#   fetch        download the jars with Maven into the cache (skipped when already there)
#   start        fetch if needed, format storage once, start the broker in the background and wait
#                until it answers a metadata request; a no-op when it already runs on that port
#   stop         SIGTERM, wait for a clean exit (then SIGKILL), remove the pid file; 0 if not running
#   status       exit 0 if the broker started by this script is up and answering, 1 if not
#   bootstrap    print the bootstrap address (localhost:PORT)
#   tool NAME [args...]
#                run a Kafka CLI class from the cached jars. NAME is a short name (TopicCommand,
#                ConsumerGroupCommand, ConsoleConsumer, ConsoleProducer, GetOffsetShell,
#                TransactionsCommand, StorageTool) or a fully qualified class name. Example:
#                  local-kafka.sh tool TopicCommand --bootstrap-server "$(local-kafka.sh bootstrap)" --list
#   logs [N]     print the last N (default 100) lines of the broker log
#   acls         (secured mode) read AclCommand arguments from stdin, one ACL binding per line, and add each
#                as the admin user, e.g.  newsflow acls | NEWSFLOW_KAFKA_SECURITY=sasl_ssl local-kafka.sh acls
#   secrets      (secured mode) print the folder holding ca.pem, admin.properties and users.env
#
# Environment:
#   NEWSFLOW_LOCAL_KAFKA_PORT     broker port (default 9092), as in newsflow's settings; the KRaft controller uses PORT+1
#   NEWSFLOW_KAFKA_PORT           the same (older name), used when NEWSFLOW_LOCAL_KAFKA_PORT is unset
#   NEWSFLOW_KAFKA_HOME           cache dir (default ~/.cache/newsflow/kafka-<version>): lib/ (jars),
#                                 data-<port>/ (KRaft storage), logs-<port>/, server-<port>.properties,
#                                 kafka-<port>.pid
#   NEWSFLOW_KAFKA_VERSION        Kafka version (default: <kafka.version> in pom.xml)
#   NEWSFLOW_KAFKA_START_TIMEOUT  seconds to wait for the broker to answer (default 90)
#   NEWSFLOW_KAFKA_STOP_TIMEOUT   seconds to wait for a clean shutdown before SIGKILL (default 30)
#   NEWSFLOW_KAFKA_HEAP_OPTS      broker heap (default "-Xms512m -Xmx1g")
#   NEWSFLOW_KAFKA_MVN_OPTS       extra Maven arguments for fetch (e.g. "-o" or "-s settings.xml")
#   NEWSFLOW_KAFKA_SECURITY       plaintext (default) or sasl_ssl: a SASL_SSL listener (SCRAM-SHA-512) with the
#                                 StandardAuthorizer (deny unless an ACL allows), a throwaway CA and broker certificate
#                                 (openssl) and SCRAM users made at format time: broker and admin (super users), clean,
#                                 dedup, tag (no rights until ACLs grant them). Files in secure-<port>/ (mode 700):
#                                 ca.pem (trust this), admin.properties (client config for Kafka's tools), users.env
#                                 (generated passwords), made with openssl. Storage is data-<port>-sasl_ssl/, apart from plaintext's.
#   JAVA_HOME                     Java 17+ to use (default: java on PATH)
#
# Needs: bash, Java 17+, openssl (sasl_ssl only), Maven 3.6+ (fetch only), coreutils, util-linux (flock, setsid).
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")" && pwd)
POM="$SCRIPT_DIR/pom.xml"
SECURITY="${NEWSFLOW_KAFKA_SECURITY:-plaintext}"
case "$SECURITY" in
    plaintext) SERVER_TEMPLATE="$SCRIPT_DIR/server.properties.template" ;;
    sasl_ssl)  SERVER_TEMPLATE="$SCRIPT_DIR/server-sasl_ssl.properties.template" ;;
    *) echo "local-kafka: NEWSFLOW_KAFKA_SECURITY must be plaintext or sasl_ssl, not '$SECURITY'" >&2; exit 2 ;;
esac
BROKER_LOG4J="$SCRIPT_DIR/log4j2.xml"
TOOLS_LOG4J="$SCRIPT_DIR/tools-log4j2.xml"

KAFKA_VERSION="${NEWSFLOW_KAFKA_VERSION:-$(sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$POM" | head -n 1)}"
[[ -n "$KAFKA_VERSION" ]] || { echo "local-kafka: no <kafka.version> in $POM" >&2; exit 2; }

KHOME="${NEWSFLOW_KAFKA_HOME:-${HOME:?HOME is not set}/.cache/newsflow/kafka-$KAFKA_VERSION}"
PORT="${NEWSFLOW_LOCAL_KAFKA_PORT:-${NEWSFLOW_KAFKA_PORT:-9092}}"
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || (( PORT < 1 || PORT > 65534 )); then
    echo "local-kafka: bad NEWSFLOW_LOCAL_KAFKA_PORT '$PORT' (the controller needs PORT+1 too)" >&2
    exit 2
fi
CONTROLLER_PORT=$((PORT + 1))
START_TIMEOUT="${NEWSFLOW_KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${NEWSFLOW_KAFKA_STOP_TIMEOUT:-30}"
HEAP_OPTS="${NEWSFLOW_KAFKA_HEAP_OPTS:--Xms512m -Xmx1g}"

LIB="$KHOME/lib"
LIB_MARKER="$LIB/.complete"
DATA_DIR="$KHOME/data-$PORT"
SECURE_DIR="$KHOME/secure-$PORT"
# Users made at format time in sasl_ssl mode. broker and admin are super users; the stages get only what ACLs grant.
SCRAM_USERS=(broker admin clean dedup tag)
if [[ "$SECURITY" == sasl_ssl ]]; then DATA_DIR="$KHOME/data-$PORT-sasl_ssl"; fi
LOG_DIR="$KHOME/logs-$PORT"
CONSOLE_LOG="$LOG_DIR/kafka.out"
SERVER_LOG="$LOG_DIR/server.log"
CONF="$KHOME/server-$PORT.properties"
PROBE_CONF="$KHOME/probe-admin.properties"
if [[ "$SECURITY" == sasl_ssl ]]; then PROBE_CONF="$SECURE_DIR/admin.properties"; fi
PIDFILE="$KHOME/kafka-$PORT.pid"
LOCKFILE="$KHOME/.lock"
BOOTSTRAP="localhost:$PORT"

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

log() { echo "local-kafka: $*" >&2; }
die() { log "$*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# One lock per cache dir serialises fetch/start/stop between concurrent invocations.
# The broker must not inherit fd 9 (it would hold the lock forever): it is launched with 9>&-.
take_lock() {
    mkdir -p "$KHOME"
    exec 9>"$LOCKFILE"
    flock -w 600 9 || die "could not lock $LOCKFILE"
}
drop_lock() { exec 9>&-; }

check_java() {
    command -v "$JAVA" >/dev/null 2>&1 || die "java not found (install a JDK 17+, e.g. apt-get install openjdk-17-jdk-headless, or set JAVA_HOME)"
    local spec
    spec=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
    if ! [[ "${spec%%.*}" =~ ^[0-9]+$ ]] || (( ${spec%%.*} < 17 )); then
        die "Kafka $KAFKA_VERSION needs Java 17+, $JAVA is '${spec:-unknown}'"
    fi
}

fetch_stamp() { printf 'kafka=%s pom=%s\n' "$KAFKA_VERSION" "$(sha256sum < "$POM" | cut -d' ' -f1)"; }

is_fetched() { [[ -f "$LIB_MARKER" && "$(cat "$LIB_MARKER")" == "$(fetch_stamp)" ]]; }

# Caller holds the lock.
do_fetch() {
    if is_fetched; then return 0; fi
    command -v mvn >/dev/null 2>&1 || die "mvn not found (apt-get install maven)"
    local t0 tmp mvnlog
    t0=$(now)
    tmp="$KHOME/lib.tmp.$$"
    mvnlog="$KHOME/fetch.log"
    rm -rf "$KHOME"/lib.tmp.*   # leftovers of an interrupted fetch (we hold the lock)
    log "fetching Kafka $KAFKA_VERSION jars with Maven into $LIB ..."
    # shellcheck disable=SC2086  # NEWSFLOW_KAFKA_MVN_OPTS is a list of words
    if ! mvn -B -q -f "$POM" ${NEWSFLOW_KAFKA_MVN_OPTS:-} -Dkafka.version="$KAFKA_VERSION" \
            dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" >"$mvnlog" 2>&1; then
        cat "$mvnlog" >&2
        rm -rf "$tmp"
        die "Maven could not fetch Kafka $KAFKA_VERSION (log: $mvnlog)"
    fi
    [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || { rm -rf "$tmp"; die "fetch produced no kafka_2.13-$KAFKA_VERSION.jar"; }
    fetch_stamp >"$tmp/.complete"
    rm -rf "$LIB"
    mv "$tmp" "$LIB"
    log "fetched $(find "$LIB" -name '*.jar' | wc -l) jars in $(since "$t0") s"
}

pid_from_file() { if [[ -f "$PIDFILE" ]]; then tr -dc '0-9' <"$PIDFILE"; fi; }

# True when $1 is a live kafka.Kafka process (guards against a recycled pid).
is_broker_pid() {
    local pid="$1"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'
}

running_pid() {
    local pid
    pid=$(pid_from_file)
    if is_broker_pid "$pid"; then echo "$pid"; fi
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

tool_java() { # CLASS ARGS... (foreground, WARN-level logging to stderr)
    "$JAVA" -Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$TOOLS_LOG4J" -cp "$LIB/*" "$@"
}

# A real metadata round trip: TCP first (cheap), then list topics with short client timeouts.
answers() {
    port_open "$PORT" || return 1
    [[ -f "$PROBE_CONF" ]] || printf 'request.timeout.ms=5000\ndefault.api.timeout.ms=8000\n' >"$PROBE_CONF"
    timeout 30 "$JAVA" -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -Dlog4j2.configurationFile="$TOOLS_LOG4J" -cp "$LIB/*" \
        org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
        --command-config "$PROBE_CONF" --list >/dev/null 2>&1
}

show_log_tail() {
    local f
    for f in "$CONSOLE_LOG" "$SERVER_LOG"; do
        if [[ -s "$f" ]]; then
            echo "----- last lines of $f -----" >&2
            tail -n 40 "$f" >&2
        fi
    done
}

write_config() {
    mkdir -p "$DATA_DIR" "$LOG_DIR"
    local esc_data
    esc_data=$(printf '%s' "$DATA_DIR" | sed 's/[\\|&]/\\&/g')
    local -a secure_fields=()
    if [[ "$SECURITY" == sasl_ssl ]]; then
        secure_fields=(-e "s|@SECURE_DIR@|$(printf '%s' "$SECURE_DIR" | sed 's/[\\|&]/\\&/g')|g"
                       -e "s|@BROKER_PASSWORD@|$(secret broker)|g")
    fi
    (umask 077 && sed -e "s|@PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" -e "s|@DATA_DIR@|$esc_data|g" \
        "${secure_fields[@]}" "$SERVER_TEMPLATE" >"$CONF.tmp")
    mv "$CONF.tmp" "$CONF"
}

format_once() {
    if [[ -f "$DATA_DIR/meta.properties" ]]; then return 0; fi
    local cluster_id t0
    t0=$(now)
    # A Kafka cluster id is 16 random bytes in URL-safe base64 without padding (what `StorageTool random-uuid` prints).
    cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    while [[ "$cluster_id" == -* ]]; do
        cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    done
    local -a scram=()
    if [[ "$SECURITY" == sasl_ssl ]]; then
        # SCRAM credentials go into the bootstrap metadata, so they exist before the broker first starts (KIP-900).
        local user
        for user in "${SCRAM_USERS[@]}"; do
            scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(secret "$user")]")
        done
    fi
    if ! tool_java kafka.tools.StorageTool format -t "$cluster_id" -c "$CONF" "${scram[@]}" >"$LOG_DIR/format.log" 2>&1; then
        cat "$LOG_DIR/format.log" >&2
        die "formatting $DATA_DIR failed"
    fi
    log "formatted KRaft storage $DATA_DIR (cluster id $cluster_id) in $(since "$t0") s"
}

# Wait until the broker with pid $1 answers; started at $2. On failure: log tail, exit 1.
wait_until_up() {
    local pid="$1" t0="$2" deadline
    deadline=$(awk -v a="$t0" -v t="$START_TIMEOUT" 'BEGIN { printf "%d", a + t }')
    while :; do
        # Liveness only: right after the fork the child may not have exec'ed java yet, so its command line
        # does not name kafka.Kafka; judging it by that would call a starting broker dead and orphan it.
        if ! kill -0 "$pid" 2>/dev/null; then
            show_log_tail
            rm -f "$PIDFILE"
            die "broker (pid $pid) exited during startup"
        fi
        if answers; then
            return 0
        fi
        if (( $(date +%s) >= deadline )); then
            show_log_tail
            log "broker did not answer on $BOOTSTRAP within ${START_TIMEOUT}s; stopping it"
            terminate "$pid" 10
            rm -f "$PIDFILE"
            exit 1
        fi
        sleep 0.5
    done
}

# ---- sasl_ssl mode: throwaway CA, broker certificate, SCRAM passwords, client config for the admin ----

# The generated SCRAM password of user $1, from users.env.
secret() {
    local value
    value=$(sed -n "s/^$1=//p" "$SECURE_DIR/users.env" 2>/dev/null | head -n 1)
    [[ -n "$value" ]] || die "no secret '$1' in $SECURE_DIR/users.env"
    printf '%s' "$value"
}

random_password() { head -c 18 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

# Made once per port, kept with the storage: the SCRAM users were formatted with these passwords.
# Caller holds the lock.
make_secrets() {
    if [[ -f "$SECURE_DIR/.complete" ]]; then return 0; fi
    command -v openssl >/dev/null 2>&1 || die "openssl not found (apt-get install openssl)"
    local tmp t0 user
    t0=$(now)
    tmp="$SECURE_DIR.tmp.$$"
    rm -rf "$SECURE_DIR".tmp.*
    (umask 077 && mkdir -p "$tmp")
    (
        umask 077
        for user in "${SCRAM_USERS[@]}"; do printf '%s=%s\n' "$user" "$(random_password)"; done >"$tmp/users.env"
        cd "$tmp"
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -subj "/CN=newsflow local CA" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
        openssl req -newkey rsa:2048 -nodes -keyout broker.key -out broker.csr -subj "/CN=broker"
        # The names clients check the broker against; clientAuth too, because the broker is the controller's TLS client.
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' >broker.ext
        openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out broker.crt -days 3650 -extfile broker.ext
        # Kafka's PEM key store: the PKCS#8 key, then the certificate chain.
        cat broker.key broker.crt ca.pem >broker-keystore.pem
        rm -f broker.csr broker.ext ca.srl
    ) >"$tmp/openssl.log" 2>&1 || { cat "$tmp/openssl.log" >&2; rm -rf "$tmp"; die "openssl could not make the CA and broker certificate"; }
    cat >"$tmp/admin.properties" <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(sed -n 's/^admin=//p' "$tmp/users.env")";
ssl.truststore.type=PEM
ssl.truststore.location=$SECURE_DIR/ca.pem
request.timeout.ms=5000
default.api.timeout.ms=8000
PROPS
    chmod 600 "$tmp/admin.properties"
    touch "$tmp/.complete"
    rm -rf "$SECURE_DIR"
    mv "$tmp" "$SECURE_DIR"
    log "made a throwaway CA, broker certificate and SCRAM passwords in $SECURE_DIR in $(since "$t0") s"
}

need_secure() { [[ "$SECURITY" == sasl_ssl ]] || die "'$1' needs NEWSFLOW_KAFKA_SECURITY=sasl_ssl"; }

cmd_secrets() {
    need_secure secrets
    [[ -f "$SECURE_DIR/.complete" ]] || die "no secrets yet in $SECURE_DIR: start the secured broker first"
    echo "$SECURE_DIR"
}

# One AclCommand run per line of arguments on stdin (blank lines and # comments skipped).
cmd_acls() {
    need_secure acls
    [[ -f "$PROBE_CONF" ]] || die "no $PROBE_CONF: start the secured broker first"
    local line count=0 t0
    t0=$(now)
    local -a words
    while IFS= read -r line || [[ -n "$line" ]]; do
        [[ -z "${line//[[:space:]]/}" || "$line" == \#* ]] && continue
        read -r -a words <<<"$line"
        tool_java org.apache.kafka.tools.AclCommand --bootstrap-server "$BOOTSTRAP" --command-config "$PROBE_CONF" "${words[@]}" >/dev/null \
            || die "kafka-acls failed for: $line"
        count=$((count + 1))
    done
    log "applied $count ACL command(s) on $BOOTSTRAP in $(since "$t0") s"
}

cmd_fetch() {
    take_lock
    check_java
    if is_fetched; then
        log "Kafka $KAFKA_VERSION jars already in $LIB"
    else
        do_fetch
    fi
}

cmd_start() {
    local t0 pid
    t0=$(now)
    take_lock
    pid=$(running_pid)
    if [[ -n "$pid" ]]; then
        if answers; then
            log "Kafka $KAFKA_VERSION already running on $BOOTSTRAP (pid $pid)"
            return 0
        fi
        log "Kafka (pid $pid) is running but not answering yet; waiting"
        wait_until_up "$pid" "$t0"
        log "Kafka $KAFKA_VERSION up on $BOOTSTRAP (pid $pid) after $(since "$t0") s"
        return 0
    fi
    rm -f "$PIDFILE"
    check_java
    do_fetch
    local p
    for p in "$PORT" "$CONTROLLER_PORT"; do
        if port_open "$p"; then
            die "port $p is already in use by another process (not a broker started by this script with this NEWSFLOW_KAFKA_HOME); set NEWSFLOW_LOCAL_KAFKA_PORT"
        fi
    done
    if [[ "$SECURITY" == sasl_ssl ]]; then make_secrets; fi
    write_config
    format_once
    {
        echo
        echo "===== $(date -u +%FT%TZ) starting Kafka $KAFKA_VERSION on $BOOTSTRAP ($SECURITY) ====="
    } >>"$CONSOLE_LOG"
    # setsid: own session, so Ctrl-C in the calling terminal or the end of the caller's process group
    # does not take the broker down; `stop` does.
    # shellcheck disable=SC2086  # HEAP_OPTS is a list of words
    (cd "$KHOME" && exec setsid "$JAVA" $HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
        -Dkafka.logs.dir="$LOG_DIR" -Dlog4j2.configurationFile="$BROKER_LOG4J" \
        -cp "$LIB/*" kafka.Kafka "$CONF") </dev/null >>"$CONSOLE_LOG" 2>&1 9>&- &
    pid=$!
    echo "$pid" >"$PIDFILE"
    log "started Kafka $KAFKA_VERSION (pid $pid), waiting up to ${START_TIMEOUT}s for $BOOTSTRAP ..."
    wait_until_up "$pid" "$t0"
    log "Kafka $KAFKA_VERSION up on $BOOTSTRAP (pid $pid) after $(since "$t0") s; logs in $LOG_DIR"
}

# SIGTERM (Kafka shuts down cleanly on it), wait up to $2 seconds, then SIGKILL.
terminate() {
    local pid="$1" grace="$2" deadline
    kill -TERM "$pid" 2>/dev/null || return 0
    deadline=$(( $(date +%s) + grace ))
    while kill -0 "$pid" 2>/dev/null; do
        if (( $(date +%s) >= deadline )); then
            log "Kafka (pid $pid) still running after ${grace}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            break
        fi
        sleep 0.2
    done
}

cmd_stop() {
    take_lock
    local pid t0
    pid=$(running_pid)
    if [[ -z "$pid" ]]; then
        rm -f "$PIDFILE"
        log "Kafka is not running on port $PORT"
        return 0
    fi
    t0=$(now)
    terminate "$pid" "$STOP_TIMEOUT"
    rm -f "$PIDFILE"
    log "stopped Kafka (pid $pid) in $(since "$t0") s"
}

cmd_status() {
    local pid
    pid=$(running_pid)
    if [[ -n "$pid" ]] && is_fetched && answers; then
        echo "up: Kafka $KAFKA_VERSION on $BOOTSTRAP (pid $pid)"
        return 0
    fi
    if [[ -n "$pid" ]]; then
        echo "down: Kafka (pid $pid) is running but not answering on $BOOTSTRAP"
    elif port_open "$PORT"; then
        echo "down: no broker started by this script on port $PORT (but something listens there)"
    else
        echo "down: Kafka is not running on port $PORT"
    fi
    return 1
}

tool_class() {
    case "$1" in
        *.*)                  echo "$1" ;;
        TopicCommand)         echo org.apache.kafka.tools.TopicCommand ;;
        ConsumerGroupCommand) echo org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
        ConsoleConsumer)      echo org.apache.kafka.tools.consumer.ConsoleConsumer ;;
        ConsoleProducer)      echo org.apache.kafka.tools.ConsoleProducer ;;
        GetOffsetShell)       echo org.apache.kafka.tools.GetOffsetShell ;;
        TransactionsCommand)  echo org.apache.kafka.tools.TransactionsCommand ;;
        AclCommand)           echo org.apache.kafka.tools.AclCommand ;;
        StorageTool)          echo kafka.tools.StorageTool ;;
        *)                    echo "org.apache.kafka.tools.$1" ;;
    esac
}

cmd_tool() {
    [[ $# -ge 1 ]] || die "usage: local-kafka.sh tool <ClassShortName|fully.qualified.Class> [args...]"
    local cls
    cls=$(tool_class "$1")
    shift
    if ! is_fetched; then
        take_lock
        check_java
        do_fetch
        drop_lock
    fi
    tool_java "$cls" "$@"
}

cmd_logs() {
    local n="${1:-100}"
    [[ -f "$SERVER_LOG" ]] || die "no broker log at $SERVER_LOG"
    tail -n "$n" "$SERVER_LOG"
}

usage() { sed -n '2,/^set -euo pipefail/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2; }

main() {
    local cmd="${1:-}"
    [[ $# -gt 0 ]] && shift
    case "$cmd" in
        fetch)     cmd_fetch ;;
        start)     cmd_start ;;
        stop)      cmd_stop ;;
        status)    cmd_status ;;
        bootstrap) echo "$BOOTSTRAP" ;;
        tool)      cmd_tool "$@" ;;
        logs)      cmd_logs "$@" ;;
        acls)      cmd_acls ;;
        secrets)   cmd_secrets ;;
        -h|--help|help) usage ;;
        *)         usage; exit 2 ;;
    esac
}

main "$@"
