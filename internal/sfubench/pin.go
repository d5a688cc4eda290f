package sfubench

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"
)

// pinnedEnv marks a process PinSelf has re-executed under taskset.
const pinnedEnv = "CONFAB_BENCH_PINNED_CPU"

// PinSelf re-executes this process under `taskset -c cpu`, so that the
// load generator keeps off the server's core: setting the affinity from
// inside Go would pin only the calling thread. It returns the core the
// process is pinned to (-1 if none) and a description of where the load
// generator runs: after the re-exec, on a machine with one core (nowhere
// else to go), or without taskset (it then shares the cores with the
// server). On success the first call does not return.
func PinSelf(cpu int) (int, string) {
	if c := os.Getenv(pinnedEnv); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil {
			return -1, "unknown (bad " + pinnedEnv + ")"
		}
		return n, "pinned to core " + c + " (taskset)"
	}
	if runtime.NumCPU() < 2 {
		return -1, "shares the only core with the server"
	}
	taskset, err := exec.LookPath("taskset")
	if err != nil {
		return -1, "shares the cores with the server (no taskset)"
	}
	exe, err := os.Executable()
	if err != nil {
		return -1, "shares the cores with the server (" + err.Error() + ")"
	}
	args := append([]string{taskset, "-c", strconv.Itoa(cpu), exe}, os.Args[1:]...)
	env := append(os.Environ(), pinnedEnv+"="+strconv.Itoa(cpu))
	err = syscall.Exec(taskset, args, env)
	return -1, "shares the cores with the server (re-exec under taskset failed: " + err.Error() + ")"
}
