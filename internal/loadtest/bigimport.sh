#!/bin/bash
# Measures a 50 MB valid case CSV import (NOTES.md): through the CLI, then
# through the API as a background job, each under /usr/bin/time -v, with one
# intake every 2 s while the job runs. Usage: bigimport.sh [AMPARO_BINARY]
# Needs python3 (to write the file), curl and /usr/bin/time. Leaves its
# files in $WORK (default a new temporary directory).
set -eu
B=$(realpath "${1:-./amparo}")
WORK=${WORK:-$(mktemp -d /tmp/amparo-bigimport-XXXX)}
CSV=$WORK/big.csv
PORT=${PORT:-18915}
python3 - "$CSV" <<'PY'
import random, sys
random.seed(15)
given = ["Ana", "José", "María", "Luis", "Carmen", "Juan", "Rosa", "Carlos", "Sofía", "Miguel"]
sur = ["García", "López", "Hernández", "Martínez", "González", "Pérez", "Rodríguez", "Ramírez", "Morales", "Cruz", "Flores", "Reyes"]
with open(sys.argv[1], "w") as f:
    f.write("given_names,surname1,surname2,sex,birth_date,nationality,languages,encounter_place,encountered_at,notes,mother_name,birth_place\n")
    size = 0
    while size < 50 * 1000 * 1000:
        row = "%s,%s,%s,%s,%d-%02d-%02d,GT,es;mam,Puesto fronterizo %d,2026-03-%02dT%02d:%02d:00-06:00,Llegó con un grupo de %d personas; sin documentos,%s %s,Huehuetenango\n" % (
            random.choice(given), random.choice(sur), random.choice(sur), random.choice("FM"), random.randint(2009, 2016), random.randint(1, 12), random.randint(1, 28),
            random.randint(1, 40), random.randint(1, 28), random.randint(0, 23), random.randint(0, 59), random.randint(2, 30), random.choice(given), random.choice(sur))
        f.write(row)
        size += len(row.encode())
PY
ls -l "$CSV"

echo "== CLI ($(uptime))"
/usr/bin/time -v -o "$WORK/cli-time.txt" "$B" import cases --file "$CSV" --data "$WORK/cli" 2>/dev/null
grep -E 'Maximum resident|Elapsed|Exit status' "$WORK/cli-time.txt"

echo "== API, background job ($(uptime))"
export AMPARO_DATA=$WORK/srv
"$B" users add --email admin@load.example --role admin --password-stdin <<< "load-test-password-15" >/dev/null 2>&1
"$B" users add --email intake@load.example --role intake --password-stdin <<< "load-test-password-15" >/dev/null 2>&1
TOK=$("$B" tokens create --email admin@load.example --name load 2>/dev/null | grep -o 'amp_[A-Za-z0-9_-]*' | head -1)
ITOK=$("$B" tokens create --email intake@load.example --name load 2>/dev/null | grep -o 'amp_[A-Za-z0-9_-]*' | head -1)
/usr/bin/time -v -o "$WORK/srv-time.txt" "$B" serve --addr 127.0.0.1:$PORT >"$WORK/serve.out" 2>"$WORK/serve.err" &
TPID=$!
sleep 3
T0=$(date +%s.%N)
curl -s -D "$WORK/h.txt" -o "$WORK/start.json" -H "Authorization: Bearer $TOK" -H 'Content-Type: text/csv' \
	--data-binary @"$CSV" "http://127.0.0.1:$PORT/api/v1/cases/import?background=1"
LOC=$(grep -i '^location:' "$WORK/h.txt" | tr -d '\r' | cut -d' ' -f2)
while true; do
	J=$(curl -s -H "Authorization: Bearer $TOK" "http://127.0.0.1:$PORT$LOC")
	ST=$(echo "$J" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["state"], j["rows_read"], j["rows_committed"])')
	C=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $ITOK" -H 'Content-Type: application/json' \
		-d '{"given_names":"Ana","surname1":"During","encountered_at":"2026-03-01T09:00:00Z"}' "http://127.0.0.1:$PORT/api/v1/cases")
	echo "$(date +%T) $ST intake=$C"
	case "$ST" in running*) sleep 2 ;; *) break ;; esac
done
T1=$(date +%s.%N)
echo "$J" | python3 -c 'import json,sys; j=json.load(sys.stdin); r=j.get("result") or {}; print("job:", j["state"], "imported", r.get("imported"), "rejected", r.get("rejected"), "chunks", r.get("chunks"), "error", j.get("error"))'
python3 -c "print('elapsed %.1f s' % ($T1-$T0))"
kill -TERM "$(pgrep -P $TPID)" 2>/dev/null || kill -TERM $TPID
wait $TPID || true
grep -E 'Maximum resident|Elapsed|Exit status' "$WORK/srv-time.txt"
echo "($(uptime)); files in $WORK"
