#!/bin/sh
# A probe program that hangs past any timeout, in a child process that keeps standard output open (so only killing
# the whole process group ends the read).
sleep 30
echo '{"temp_c":3.4}'
