#!/bin/sh
# A probe program that fails without printing JSON: only a message on standard error.
echo "read-probe: /dev/i2c-1: Permission denied" >&2
exit 3
