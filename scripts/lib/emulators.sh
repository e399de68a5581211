# The AWS emulators, for scripts/test and scripts/outage-lab (sourced from
# the repository root): moto's server (RDS, ECS, Backup) and MiniStack
# (CloudWatch), installed into a Python venv under target/ (reused while the
# pinned versions stay the same) and started on free ports of 127.0.0.1.
# Nothing here talks to real AWS.

# Messages name the script that sourced this file.
emulators_who="scripts/${0##*/}"

MOTO_VERSION=5.2.5
MINISTACK_VERSION=1.5.33
# MiniStack speaks CloudWatch's CBOR protocol only with cbor2, which it does not
# declare as a dependency (only its "test" extra pulls it).
CBOR2_VERSION=6.2.1
# Under cargo's target directory, so a clone built with CARGO_TARGET_DIR
# elsewhere reuses that venv too.
target=$(realpath -m "${CARGO_TARGET_DIR:-target}")
venv=$target/emulators-venv
stamp="$venv/.installed-moto-$MOTO_VERSION-ministack-$MINISTACK_VERSION-cbor2-$CBOR2_VERSION"

if [[ ! -f $stamp ]]; then
    echo "$emulators_who: installing moto $MOTO_VERSION and MiniStack $MINISTACK_VERSION into $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "moto[server]==$MOTO_VERSION" "ministack==$MINISTACK_VERSION" "cbor2==$CBOR2_VERSION"
    touch "$stamp"
fi
py="$venv/bin/python"

free_port() {
    "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until something answers HTTP at the URL (any status will do).
wait_http() {
    "$py" - "$1" "$2" "$emulators_who" <<'EOF'
import sys, time, urllib.request, urllib.error
url, name, who = sys.argv[1], sys.argv[2], sys.argv[3]
deadline = time.time() + 60
while time.time() < deadline:
    try:
        urllib.request.urlopen(url, timeout=1)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except Exception:
        time.sleep(0.2)
sys.exit(f"{who}: {name} did not answer at {url} within 60 s")
EOF
}

pids=()
stop_emulators() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}

# Starts both emulators, logging into the directory given, and exports
# their URLs: DRCONSOLE_TEST_MOTO, DRCONSOLE_TEST_MINISTACK (and moto's
# executable as DRCONSOLE_TEST_MOTO_SERVER). The caller traps EXIT with
# stop_emulators first.
start_emulators() {
    local logs=$1
    mkdir -p "$logs"

    local moto_port ministack_port
    moto_port=$(free_port)
    "$venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$logs/moto.log" 2>&1 &
    pids+=($!)

    ministack_port=$(free_port)
    GATEWAY_PORT=$ministack_port BIND_HOST=127.0.0.1 SERVICES=cloudwatch LOG_LEVEL=WARNING \
        "$venv/bin/ministack" >"$logs/ministack.log" 2>&1 &
    pids+=($!)

    export DRCONSOLE_TEST_MOTO="http://127.0.0.1:$moto_port"
    export DRCONSOLE_TEST_MINISTACK="http://127.0.0.1:$ministack_port"
    export DRCONSOLE_TEST_MOTO_SERVER="$venv/bin/moto_server"
    # S3 for shared sessions: each test starts its own (it may stop it) as
    # `$DRCONSOLE_TEST_S3_SERVER PORT`, moto serving one request at a time.
    export DRCONSOLE_TEST_S3_SERVER="$PWD/scripts/lib/moto-s3"
    # Belt and braces: nothing may reach the instance metadata service.
    export AWS_EC2_METADATA_DISABLED=true

    wait_http "$DRCONSOLE_TEST_MOTO/moto-api/" moto
    wait_http "$DRCONSOLE_TEST_MINISTACK/" MiniStack
}
