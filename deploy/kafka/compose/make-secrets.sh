#!/usr/bin/env bash
# Secrets of the docker-compose stack, made once on the host into deploy/secrets/ (kept out of git):
# a SCRAM password per Kafka user (broker, admin, clean, dedup, tag), Redis's password as an ACL file and as the
# URL dedup reads. docker-compose mounts them as files under /run/secrets. Run it before the first `docker-compose up`;
# to rotate a password, change its file, then follow README "Running securely".
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/secrets"
# The folder is private to you; the files must be readable by the containers' users (compose bind-mounts them as they are).
mkdir -p "$DIR" && chmod 700 "$DIR"
umask 022
random() { head -c 18 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
for user in broker admin clean dedup tag; do
    [[ -s "$DIR/kafka-$user" ]] || random >"$DIR/kafka-$user"
done
if [[ ! -s "$DIR/redis-password" ]]; then
    random >"$DIR/redis-password"
fi
printf 'user default on >%s ~* &* +@all\n' "$(cat "$DIR/redis-password")" >"$DIR/redis-users.acl"
printf 'redis://:%s@redis:6379/0\n' "$(cat "$DIR/redis-password")" >"$DIR/redis-url"
echo "secrets in $DIR"
