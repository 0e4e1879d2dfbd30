#!/bin/sh
# Lets the streaming replica connect (docker-compose.yml: postgres-replica); runs once at initdb.
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
