//go:build !linux

package pulsetest

import "syscall"

// sysProcAttr has nothing to add where there is no parent-death signal;
// Close still stops every child by PID.
func sysProcAttr() *syscall.SysProcAttr { return nil }
