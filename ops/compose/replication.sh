#!/bin/sh
# Lets the streaming replica connect (ops/compose.scale.yml); runs once at initdb.
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
