#!/usr/bin/env bash
# The compose stack's Kafka (apache/kafka image): SASL_SSL with SCRAM-SHA-512 and the StandardAuthorizer, the same
# configuration as `NEWSFLOW_KAFKA_SECURITY=sasl_ssl deploy/kafka/local-kafka.sh start`. On first start it makes a
# throwaway CA and the broker's keystore (keytool) in /pki, whose ca.pem the stages trust, and formats the storage with
# the SCRAM users whose passwords docker-compose mounts under /run/secrets.
set -euo pipefail
KAFKA=/opt/kafka
PKI=/pki
DATA=/var/lib/kafka/data
secret() { tr -d '\n' <"/run/secrets/kafka_$1"; }
store=$(secret broker | sha256sum | cut -c1-32)   # keystore password: derived, never stored apart

if [[ ! -f "$PKI/ca.pem" ]]; then
    kt=(keytool -storetype PKCS12 -storepass "$store" -keypass "$store" -noprompt)
    "${kt[@]}" -genkeypair -alias ca -dname "CN=newsflow compose CA" -keyalg RSA -keysize 2048 -validity 3650 -ext bc:c -keystore "$PKI/ca.p12"
    "${kt[@]}" -exportcert -rfc -alias ca -keystore "$PKI/ca.p12" -file "$PKI/ca.pem.tmp"
    "${kt[@]}" -genkeypair -alias broker -dname "CN=broker" -keyalg RSA -keysize 2048 -validity 3650 -keystore "$PKI/broker.p12"
    "${kt[@]}" -certreq -alias broker -keystore "$PKI/broker.p12" -file "$PKI/broker.csr"
    "${kt[@]}" -gencert -alias ca -keystore "$PKI/ca.p12" -infile "$PKI/broker.csr" -outfile "$PKI/broker.pem" -rfc -validity 3650 \
        -ext "SAN=dns:kafka,dns:localhost" -ext "EKU=serverAuth,clientAuth"
    "${kt[@]}" -importcert -alias ca -file "$PKI/ca.pem.tmp" -keystore "$PKI/broker.p12"
    "${kt[@]}" -importcert -alias broker -file "$PKI/broker.pem" -keystore "$PKI/broker.p12"
    "${kt[@]}" -importcert -alias ca -file "$PKI/ca.pem.tmp" -keystore "$PKI/truststore.p12"
    rm -f "$PKI/broker.csr" && mv "$PKI/ca.pem.tmp" "$PKI/ca.pem"
fi

conf=/tmp/server.properties
cat >"$conf" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@kafka:9093
listeners=SASL_SSL://:9092,CONTROLLER://:9093
advertised.listeners=SASL_SSL://kafka:9092
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=CONTROLLER:SSL,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="$(secret broker)";
ssl.keystore.type=PKCS12
ssl.keystore.location=$PKI/broker.p12
ssl.keystore.password=$store
ssl.key.password=$store
ssl.truststore.type=PKCS12
ssl.truststore.location=$PKI/truststore.p12
ssl.truststore.password=$store
ssl.endpoint.identification.algorithm=https
listener.name.controller.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=([^,]+).*\$/\$1/,DEFAULT
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:broker;User:admin
log.dirs=$DATA
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS

# Kafka's tools (the healthcheck, the acls service) connect as admin with this.
cat >/tmp/admin.properties <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(secret admin)";
ssl.truststore.type=PEM
ssl.truststore.location=$PKI/ca.pem
PROPS

if [[ ! -f "$DATA/meta.properties" ]]; then
    scram=()
    for user in broker admin clean dedup tag; do scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(secret "$user")]"); done
    "$KAFKA/bin/kafka-storage.sh" format -t "$("$KAFKA/bin/kafka-storage.sh" random-uuid)" -c "$conf" "${scram[@]}"
fi
exec "$KAFKA/bin/kafka-server-start.sh" "$conf"
