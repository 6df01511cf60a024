#!/bin/sh
# A probe program that cannot reach its sensor: says why, as JSON, and fails.
echo '{"error":"i2c bus 1 busy"}'
exit 1
