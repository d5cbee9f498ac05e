#!/usr/bin/env bash
# Makes the certificates and keys the TLS tests use (see README.md here): a root CA, an
# intermediate CA, a server chain for localhost that is good, one that has expired, one for
# another name, and a second root with a localhost certificate of its own (for a client that
# trusts only the first). Every key is ECDSA P-256.
# Run it from anywhere; it replaces the files beside it. The CA keys are thrown away.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 100 years, counted from the day this runs.
DAYS=36500

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# Root CAs: self-signed.
root() {
  key "$work/$1.key"
  openssl req -x509 -new -key "$work/$1.key" -days "$DAYS" -subj "/CN=$2" -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.pem"
}
root ca "wasio test root CA"
root other-ca "wasio test other root CA"

# The intermediate CA, signed by the root.
key "$work/intermediate.key"
openssl req -new -key "$work/intermediate.key" -subj "/CN=wasio test intermediate CA" \
  -out "$work/intermediate.csr"
cat >"$work/intermediate.ext" <<EXT
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
EXT
openssl x509 -req -in "$work/intermediate.csr" -CA ca.pem -CAkey "$work/ca.key" -set_serial 2 \
  -days "$DAYS" -sha256 -extfile "$work/intermediate.ext" -out "$work/intermediate.pem" 2>/dev/null

# One key for every server certificate.
key server.key
openssl req -new -key server.key -subj "/CN=localhost" -out "$work/server.csr"
leaf_ext() {
  cat <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$1
EXT
}

# Good: localhost, 127.0.0.1 and ::1, for 100 years.
leaf_ext "DNS:localhost,IP:127.0.0.1,IP:::1" >"$work/good.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/intermediate.pem" -CAkey "$work/intermediate.key" \
  -set_serial 3 -days "$DAYS" -sha256 -extfile "$work/good.ext" -out "$work/good.pem" 2>/dev/null

# Wrong name: only wrong.example, for 100 years.
leaf_ext "DNS:wrong.example" >"$work/wrong.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/intermediate.pem" -CAkey "$work/intermediate.key" \
  -set_serial 4 -days "$DAYS" -sha256 -extfile "$work/wrong.ext" -out "$work/wrong.pem" 2>/dev/null

# Expired: the good names, valid during the year 2000 only (`openssl ca` takes explicit dates).
mkdir "$work/ca"
touch "$work/ca/index.txt"
echo 05 >"$work/ca/serial"
cat >"$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $work/ca/index.txt
serial = $work/ca/serial
new_certs_dir = $work/ca
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
CNF
openssl ca -batch -config "$work/ca.cnf" -cert "$work/intermediate.pem" -keyfile "$work/intermediate.key" \
  -startdate 20000101000000Z -enddate 20010101000000Z -extfile "$work/good.ext" -notext \
  -in "$work/server.csr" -out "$work/expired.pem" 2>/dev/null

# Untrusted: the good names, signed by the other root, for 100 years.
openssl x509 -req -in "$work/server.csr" -CA other-ca.pem -CAkey "$work/other-ca.key" \
  -set_serial 6 -days "$DAYS" -sha256 -extfile "$work/good.ext" -out untrusted-chain.pem 2>/dev/null

# What a server presents: its certificate, then the intermediate's.
for name in good wrong expired; do
  cat "$work/$name.pem" "$work/intermediate.pem" >"$name-chain.pem"
done
for name in ca other-ca good-chain wrong-chain expired-chain untrusted-chain; do
  printf '%s: ' "$name.pem"
  openssl x509 -in "$name.pem" -noout -enddate
done
