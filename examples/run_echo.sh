#!/bin/sh
# Runs the echo server and client against each other: TCP and UDP, IPv4 and
# IPv6, on a loopback port. Usage: run_echo.sh <dir with echo_server/client> <port>
set -e
dir=$1
port=${2:-27100}
for proto in tcp udp; do
  for v in 4 6; do
    "$dir/echo_server" $proto $port $v 1 &
    server=$!
    # the server prints its line once it listens; give it a moment
    tries=0
    until "$dir/echo_client" $proto $port $v "hello $proto over IPv$v"; do
      tries=$((tries + 1))
      [ $tries -lt 20 ] || { kill $server 2>/dev/null; exit 1; }
      sleep 0.1
    done
    wait $server
  done
done
echo "echo: 4 exchanges, 0 failures"
