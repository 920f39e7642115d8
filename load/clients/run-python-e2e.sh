#!/usr/bin/env bash
# Runs the official Python client's end-to-end tests (kubernetes-client/python, kubernetes/e2e_test) against
# FakeApiServer, as that project runs them against a kind cluster.
#
#   load/clients/run-python-e2e.sh [--start] [--client-src DIR] [--ref REF] [--skip-streams] [-- PYTEST-ARGS...]
#
# Server: by default the one $KUBECONFIG points at. It must serve HTTPS (start it with --tls): the client sets
# assert_hostname on its connection pool, which Debian's urllib3 1.26 refuses for plain-http pools, so every request
# over http fails before it is sent. --start builds and starts one from this checkout instead (port 0, --tls, all
# controllers, a temporary data dir) and stops it at the end.
#
# Client: the tests and the client library both come from REF (default v33.1.0, the release for Kubernetes 1.33) of a
# git repository of kubernetes-client/python (a clone or a bare mirror; --client-src, else $PYTHON_CLIENT_SRC, else
# /work/.mirror/kubernetes-client+python/repo). Newer releases need pydantic 2 and urllib3 2, which Debian 12 lacks.
# Their other dependencies come from Debian (python3-kubernetes pulls them in; it is installed when missing and
# we run as root). The one missing, durationpy, is only used by kubernetes.utils.parse_duration, which no e2e test
# calls: a stub that raises stands in for it.
#
# Exec and port-forward: the tests exec into busybox pods and forward ports of a python echo server and of nginx.
# python-e2e-rules.yaml, next to this script, scripts what the built-in shell lacks and points the forwarded ports at
# two local servers this script runs (the tests' own port-server.py on 41234/41235, and a page saying "Welcome to
# nginx!" on 48080). --start passes the file to the server; a server you started yourself needs
# --container-rules load/clients/python-e2e-rules.yaml. --skip-streams deselects those four tests.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/../.." && pwd)
client_src=${PYTHON_CLIENT_SRC:-/work/.mirror/kubernetes-client+python/repo}
ref=v33.1.0
start=0
skip_streams=0
pytest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --start) start=1 ;;
    --client-src) client_src=$2; shift ;;
    --client-src=*) client_src=${1#*=} ;;
    --ref) ref=$2; shift ;;
    --ref=*) ref=${1#*=} ;;
    --skip-streams) skip_streams=1 ;;
    --) shift; pytest_args=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

python=/usr/bin/python3
if ! "$python" -c 'import urllib3, yaml, dateutil, websocket, requests_oauthlib, google.auth, six, pytest' 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-kubernetes python3-pytest >/dev/null
  else
    echo "install python3-kubernetes and python3-pytest (Debian) first" >&2; exit 2
  fi
fi

git -C "$client_src" rev-parse --verify -q "$ref^{commit}" >/dev/null \
  || { echo "no $ref in $client_src: pass --client-src, a git repository of kubernetes-client/python" >&2; exit 2; }

work=$(mktemp -d)
server_pid=
local_pids=()
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  for pid in "${local_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The package's own folders only. A mirror may lack the repository's largest blobs (scripts/swagger.json); git
# archive names them on stderr while it walks the tree and still writes every requested file.
git -C "$client_src" archive "$ref" kubernetes/__init__.py kubernetes/base kubernetes/client kubernetes/config \
  kubernetes/dynamic kubernetes/e2e_test kubernetes/leaderelection kubernetes/stream kubernetes/utils kubernetes/watch \
  2> >(grep -v '^error: invalid object .* for .scripts/' >&2) | tar -x -C "$work"
test -f "$work/kubernetes/e2e_test/base.py"
mkdir -p "$work/stub"
cat > "$work/stub/durationpy.py" <<'EOF'
"""Stand-in for durationpy (not packaged by Debian 12): only kubernetes.utils.parse_duration uses it."""


def from_str(text):
    raise NotImplementedError("durationpy is not installed")


def to_str(delta, extended=False):
    raise NotImplementedError("durationpy is not installed")
EOF

if [ "$start" = 1 ]; then
  dotnet build "$repo_root/src/FakeApiServer" -v q -nologo >/dev/null
  dotnet "$repo_root/src/FakeApiServer/bin/Debug/net10.0/fakeapiserver.dll" --port 0 --tls --controllers='*' \
    --container-rules "$repo_root/load/clients/python-e2e-rules.yaml" \
    --data-dir "$work/data" --kubeconfig-out "$work/kubeconfig" > "$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 120); do [ -f "$work/kubeconfig" ] && break; kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
  [ -f "$work/kubeconfig" ] || { cat "$work/server.log" >&2; echo "the server did not start" >&2; exit 1; }
  export KUBECONFIG=$work/kubeconfig
fi

[ -n "${KUBECONFIG:-}" ] && [ -f "$KUBECONFIG" ] \
  || { echo "set KUBECONFIG to a started server's kubeconfig (--kubeconfig-out), or pass --start" >&2; exit 2; }
grep -q 'server: https://' "$KUBECONFIG" \
  || { echo "$KUBECONFIG names a plain-http server: start it with --tls (see the top of this script)" >&2; exit 2; }

if [ "$skip_streams" = 0 ]; then
  # What python-e2e-rules.yaml forwards the pods' ports to.
  "$python" "$work/kubernetes/e2e_test/port_server.py" 41234 41235 > "$work/port-server.log" 2>&1 &
  local_pids+=($!)
  mkdir -p "$work/nginx"
  printf '<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n<body><h1>Welcome to nginx!</h1></body></html>\n' > "$work/nginx/index.html"
  "$python" -m http.server 48080 --bind 127.0.0.1 --directory "$work/nginx" > "$work/nginx.log" 2>&1 &
  local_pids+=($!)
  for port in 41234 41235 48080; do
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  done
else
  for t in test_pod_apis test_exit_code test_portforward_http test_portforward_raw; do
    pytest_args+=(--deselect "kubernetes/e2e_test/test_client.py::TestClient::$t")
  done
fi

cd "$work"
echo "kubernetes-client/python $ref e2e tests against $(grep -m1 'server:' "$KUBECONFIG" | awk '{print $2}')"
PYTHONPATH="$work:$work/stub" "$python" -m pytest kubernetes/e2e_test -q -rfE -p no:cacheprovider "${pytest_args[@]}"
