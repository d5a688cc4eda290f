package pulsetest

import "syscall"

// sysProcAttr makes every child die with the test binary. Without it a
// binary killed by `go test -timeout` leaves pulseaudio, parec and pacat
// running, and they hold the machine's CPU and the next run's attention.
// (Pdeathsig fires when the creating OS thread exits; Go keeps its threads
// for the life of the process unless a goroutine exits while locked to one,
// which this package never does.)
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
