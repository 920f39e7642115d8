#!/bin/bash
# Server CPU and bytes allocated per write at steady state (docs/benchmarks.md, "Writes at steady state, session 11").
# usage: load/scripts/steady-writes.sh BINDIR create|put|patch WARM N [perf.data]
#   BINDIR: a build output holding fakeapiserver.dll (copy src/FakeApiServer/bin/Release/net10.0 to compare builds).
#   Starts the server on a fresh data directory (controllers namespace,garbage-collector as the load harness; CTL=
#   for the default set), seeds 1,000 ConfigMaps for put/patch, warms it with 5,000 + WARM requests of the kind, then
#   sends N more from curl --parallel --parallel-max 32 and prints the server's utime+stime per request (/proc) and
#   the bytes dotnet-counters' dotnet.gc.heap.total_allocated counted over them (less the idle ~32 KB/s). With a
#   fifth argument, perf records the measured requests into that file (DOTNET_PerfMapEnabled is on).
#   With METRICS=file, the server's /metrics at the end are saved there (e.g. the commit-duration histogram).
# Needs curl, python3 and dotnet-counters (~/.dotnet/tools).
set -u
BIN=$1; MODE=$2; WARM=$3; N=$4; PERF=${5:-}
PORT=$((20000 + RANDOM % 20000))
D=$(mktemp -d /tmp/steady-writes.XXXX)
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
dotnet $BIN/fakeapiserver.dll --data-dir $D --port $PORT ${CTL---controllers namespace,garbage-collector} --log-level Warning > $D/server.log 2>&1 &
PID=$!
U=http://127.0.0.1:$PORT
for i in $(seq 100); do curl -sf $U/readyz >/dev/null && break; sleep 0.2; done
curl -s -X POST -H 'Content-Type: application/json' -d '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"rw"}}' $U/api/v1/namespaces -o /dev/null
PAY=$(printf 'x%.0s' $(seq 1800))
mkcfg() { # count kind
  local n=$1 f=$2
  python3 - "$n" "$MODE" "$U" "$PAY" "$f" "$3" <<'PY'
import sys
n,mode,u,pay,f,off=int(sys.argv[1]),sys.argv[2],sys.argv[3],sys.argv[4],sys.argv[5],int(sys.argv[6])
with open(f,'w') as o:
  for i in range(n):
    k=(i*7919+off)%1000
    if mode=='create' or mode=='seed':
      name = f'u-{i}' if mode=='seed' else None
      md = f'"name":"{name}"' if name else '"generateName":"c-"'
      body='{"apiVersion":"v1","kind":"ConfigMap","metadata":{%s,"namespace":"rw","labels":{"a":"b","c":"d"}},"data":{"v":"%d","payload":"%s"}}'%(md,i,pay)
      o.write(f'url = "{u}/api/v1/namespaces/rw/configmaps"\nrequest = "POST"\n')
    elif mode=='put':
      body='{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"u-%d","namespace":"rw","labels":{"a":"b","c":"d"}},"data":{"v":"%d-%d","payload":"%s"}}'%(k,off,i,pay)
      o.write(f'url = "{u}/api/v1/namespaces/rw/configmaps/u-{k}"\nrequest = "PUT"\n')
    else:
      body='{"data":{"v":"%d-%d"}}'%(off,i)
      o.write(f'url = "{u}/api/v1/namespaces/rw/configmaps/u-{k}"\nrequest = "PATCH"\nheader = "Content-Type: application/merge-patch+json"\n')
    body=body.replace('\\','\\\\').replace('"','\\"')
    o.write(f'data-binary = "{body}"\noutput = "/dev/null"\n')
    if mode!='patch': o.write('header = "Content-Type: application/json"\n')
    o.write('user-agent = "steady-writes"\n')  # curl's own agent gets indented JSON, which no client of the load harness asks for
    o.write('write-out = "%{http_code}\\n"\n')
    if i<n-1: o.write('next\n')
PY
}
run() { curl -s --parallel --parallel-max 32 -K $1 2>/dev/null | sort | uniq -c | tr '\n' ' ' >> $D/codes; }
if [ $MODE != create ]; then SAVE=$MODE; MODE=seed mkcfg 1000 $D/seed.cfg 0; MODE=seed; MODE=$SAVE; run $D/seed.cfg; fi
mkcfg $WARM $D/warm.cfg 1; mkcfg $N $D/meas.cfg 2
export PATH=$PATH:/root/.dotnet/tools
mkcfg 5000 $D/warm0.cfg 3
W0=$(date +%s.%N); run $D/warm0.cfg; W1=$(date +%s.%N)
DUR=$(python3 -c "print(int(($W1-$W0)*($N+$WARM)/5000*1.7)+14)")
timeout -s INT $((DUR+15)) dotnet-counters collect -p $PID --counters 'System.Runtime[dotnet.gc.heap.total_allocated]' --format csv -o $D/cnt.csv --refresh-interval 1 --duration 00:00:$((DUR/60)):$((DUR%60)) </dev/null >/dev/null 2>&1 &
CP=$!
run $D/warm.cfg
sleep 3
if [ -n "$PERF" ]; then perf record -F 999 -g -p $PID -o $PERF >/dev/null 2>&1 & PP=$!; sleep 0.5; fi
read -r -a S0 < <(cut -d' ' -f14,15 /proc/$PID/stat); T0=$(date +%s.%N); M0=$(wc -l < /tmp/perf-$PID.map)
run $D/meas.cfg
read -r -a S1 < <(cut -d' ' -f14,15 /proc/$PID/stat); T1=$(date +%s.%N); M1=$(wc -l < /tmp/perf-$PID.map); echo "jitted during measurement: $((M1-M0)) (map $M1)"; [ -n "$PERF" ] && cp /tmp/perf-$PID.map $PERF.map
if [ -n "$PERF" ]; then kill -INT $PP; wait $PP; fi
sleep 3
wait $CP
TCK=$(getconf CLK_TCK)
python3 - $D/cnt.csv $N $T0 $T1 "${S0[0]}" "${S0[1]}" "${S1[0]}" "${S1[1]}" $TCK "$(cat $D/codes)" <<'PY'
import sys,csv
f,n,t0,t1,u0,s0,u1,s1,tck,codes=sys.argv[1:]
n=int(n);tck=int(tck)
import datetime
rows=[r for r in csv.reader(open(f)) if len(r)>=4]
vals=[]
for r in rows[1:]:
  try:
    ts=datetime.datetime.strptime(r[0],"%m/%d/%Y %H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp()
    if float(t0)-1.5 <= ts <= float(t1)+2.5: vals.append(float(r[-1]))
  except: pass
tot=sum(vals); span=len(vals)
cpu=((int(u1)-int(u0))+(int(s1)-int(s0)))/tck
print(f"cpu_ms_per_req={cpu*1000/n:.4f} user={(int(u1)-int(u0))/tck:.2f}s sys={(int(s1)-int(s0))/tck:.2f}s wall={float(t1)-float(t0):.2f}s rate={n/(float(t1)-float(t0)):.0f}/s alloc_per_req={(tot-32000*span)/n/1000:.1f}KB ({span}s window) codes={codes}")
PY
[ -n "${METRICS:-}" ] && curl -s -A x $U/metrics > "$METRICS"
kill $PID; timeout 20 tail --pid=$PID -f /dev/null; kill -9 $PID 2>/dev/null; wait $PID 2>/dev/null
rm -rf $D
