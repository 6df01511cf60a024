"""One LazyFS mount: a FUSE filesystem that keeps every write in its own cache until the program fsyncs it.

`power_cut()` drops every unsynced byte (`lazyfs::clear-cache`), as a power cut drops the page cache; `arm_crash()`
makes LazyFS kill itself just before or after one kind of operation on matching paths (`lazyfs::crash::...`), which
is a power cut at that exact point: whatever was unsynced is gone with its process. Started like
../shared/tools/lazyfs/mount.sh, with its own configuration so the harness also gets the completion FIFO and knows
when a clear-cache has finished.
"""

import os
import subprocess
import time


class LazyFSError(Exception):
    pass


class LazyFS:
    def __init__(self, build, root, mount, name):
        self.build, self.root, self.mount, self.name = build, root, mount, name
        self.fifo = f"{mount}.faults.fifo"
        self.done_fifo = f"{mount}.done.fifo"
        self.config = f"{mount}.toml"
        self.log = f"{mount}.lazyfs.log"
        self.process = None
        self.done = None
        os.makedirs(root, exist_ok=True)
        os.makedirs(mount, exist_ok=True)
        with open(self.config, "w") as f:
            f.write(
                f'[faults]\nfifo_path="{self.fifo}"\nfifo_path_completed="{self.done_fifo}"\n'
                '[cache]\napply_eviction=false\n[cache.simple]\ncustom_size="64mb"\nblocks_per_page=1\n'
                '[filesystem]\nlog_all_operations=false\nlogfile=""\n'
            )

    def start(self):
        for fifo in (self.fifo, self.done_fifo):
            if os.path.exists(fifo):
                os.unlink(fifo)
        env = dict(os.environ, LD_LIBRARY_PATH=f"{self.build}/src/libs/libpcache/build")
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                [f"{self.build}/lazyfs", self.mount, "--config-path", self.config, "-o", "allow_other",
                 "-o", "modules=subdir", "-o", f"subdir={os.path.abspath(self.root)}", "-f"],
                stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 10
        while not (self.mounted() and os.path.exists(self.done_fifo)):
            if self.process.poll() is not None or time.time() > deadline:
                raise LazyFSError(f"lazyfs did not mount {self.mount} (log: {self.log})")
            time.sleep(0.05)
        # LazyFS opens the completion FIFO for writing once a reader is there; keep one open for its whole life.
        self.done = os.open(self.done_fifo, os.O_RDONLY | os.O_NONBLOCK)

    def mounted(self):
        with open("/proc/mounts") as mounts:
            return any(line.split()[1] == os.path.abspath(self.mount) for line in mounts)

    def command(self, text):
        fd = os.open(self.fifo, os.O_WRONLY)
        try:
            os.write(fd, (text + "\n").encode())
        finally:
            os.close(fd)
        time.sleep(0.05)  # one command per read of the FIFO

    def power_cut(self):
        """Drops every unsynced byte and returns once LazyFS says it has."""
        self.command("lazyfs::clear-cache")
        buffer, deadline = b"", time.time() + 20
        while b"finished::clear-cache" not in buffer:
            if time.time() > deadline:
                raise LazyFSError(f"{self.name}: clear-cache did not finish within 20 s")
            try:
                buffer += os.read(self.done, 256)
            except BlockingIOError:
                time.sleep(0.02)

    def arm_crash(self, timing, op, from_rgx=None, to_rgx=None):
        """LazyFS kills itself `timing` (before/after) the next `op` on a path matching the regexes."""
        text = f"lazyfs::crash::timing={timing}::op={op}"
        if from_rgx:
            text += f"::from_rgx={from_rgx}"
        if to_rgx:
            text += f"::to_rgx={to_rgx}"
        self.command(text)

    def crashed(self):
        return self.process is not None and self.process.poll() is not None

    def stop(self):
        """Unmounts (lazily, so a dead LazyFS's mount goes too) and ends LazyFS; unsynced data is lost."""
        subprocess.run(["fusermount3", "-u", "-z", self.mount], stderr=subprocess.DEVNULL, check=False)
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.done is not None:
            os.close(self.done)
            self.done = None
        self.process = None

    def remount(self):
        self.stop()
        self.start()
