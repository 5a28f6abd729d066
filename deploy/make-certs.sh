#!/usr/bin/env bash
# Creates a cluster CA and a node certificate signed by it (PKCS#12 with its key), for mutual TLS between nodes.
#   deploy/make-certs.sh DIR [EXTRA_DNS_NAME...]      (password: $SWEEP_TLS_PASSWORD, default "changeit")
# Every node uses DIR/node.pfx and trusts only DIR/ca.pem; hostnames are not checked, the CA signature is.
# Keep DIR/ca.key offline: anyone holding it can mint certificates that join the cluster.
set -euo pipefail
dir=${1:?usage: make-certs.sh DIR [DNS...]}; shift || true
pass=${SWEEP_TLS_PASSWORD:-changeit}
mkdir -p "$dir"; cd "$dir"
openssl req -x509 -newkey rsa:3072 -nodes -keyout ca.key -out ca.pem -days 825 -subj "/CN=actorsweep-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
san="IP:127.0.0.1"; for n in "$@"; do san="$san,DNS:$n"; done
openssl req -newkey rsa:3072 -nodes -keyout node.key -out node.csr -subj "/CN=actorsweep-node"
printf "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=%s\n" "$san" > node.ext
openssl x509 -req -in node.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out node.pem -days 825 -extfile node.ext
openssl pkcs12 -export -in node.pem -inkey node.key -out node.pfx -passout "pass:$pass"
rm -f node.csr node.ext node.key
echo "wrote $dir/ca.pem (trust), $dir/node.pfx (identity; password from SWEEP_TLS_PASSWORD) and $dir/ca.key (keep offline)"
