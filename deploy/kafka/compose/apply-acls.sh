#!/usr/bin/env bash
# Applies the ACLs `newsflow acls` wrote to /acls/acls.txt (one kafka-acls argument line each), as admin.
set -euo pipefail
cat >/tmp/admin.properties <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(tr -d '\n' </run/secrets/kafka_admin)";
ssl.truststore.type=PEM
ssl.truststore.location=/pki/ca.pem
PROPS
count=0
while IFS= read -r line || [[ -n "$line" ]]; do
    [[ -z "${line// /}" ]] && continue
    read -r -a words <<<"$line"
    /opt/kafka/bin/kafka-acls.sh --bootstrap-server kafka:9092 --command-config /tmp/admin.properties "${words[@]}" >/dev/null
    count=$((count + 1))
done </acls/acls.txt
echo "applied $count kafka-acls commands"
