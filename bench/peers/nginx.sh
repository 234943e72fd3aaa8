#!/usr/bin/env bash
# The HTTP peer: nginx answering every request with an empty 201, under wrk with the same
# connections and threads as settled's POST /v1/executions and requests of the same size
# (static_post.lua). nginx runs from a temporary prefix on a free port with the machine's cores
# as workers and no access log.
# Prints: requests_per_s=N
# Usage: bench/peers/nginx.sh SECONDS CONNECTIONS THREADS
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:?usage: nginx.sh SECONDS CONNECTIONS THREADS}"
connections="${2:?}"
threads="${3:?}"
prefix="$(mktemp -d)"
chmod 755 "${prefix}"
port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => {
  console.log(s.address().port); s.close(); })')"
cat >"${prefix}/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    location / { return 201; }
  }
}
CONF
nginx -p "${prefix}" -c "${prefix}/nginx.conf" &
pid=$!
trap 'kill "${pid}" 2>/dev/null; wait "${pid}" 2>/dev/null; rm -rf "${prefix}"' EXIT
until (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; do sleep 0.05; done
out="$(wrk -t"${threads}" -c"${connections}" -d"${seconds}s" -s "${here}/static_post.lua" \
  "http://127.0.0.1:${port}/")"
echo "${out}" >&2
echo "${out}" | grep -q "errors(connect=0 read=0 write=0 status=0 timeout=0)" || { echo "nginx: some requests failed" >&2; exit 1; }
echo "requests_per_s=$(echo "${out}" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')"
