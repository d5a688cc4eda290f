package sfubench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of utime and stime in /proc/<pid>/stat: Linux
// exports them in USER_HZ, which is 100 on every architecture Go runs on.
const userHZ = 100

// cpuTime returns the CPU time (user + system) process pid has used, from
// /proc/<pid>/stat; pid 0 means this process.
func cpuTime(pid int) (time.Duration, error) {
	path := "/proc/self/stat"
	if pid != 0 {
		path = "/proc/" + strconv.Itoa(pid) + "/stat"
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return parseStat(string(data))
}

// parseStat reads utime and stime from the text of a /proc/<pid>/stat.
// The command name (field 2) may hold spaces and parentheses, so fields
// are counted from its closing parenthesis.
func parseStat(s string) (time.Duration, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("sfubench: malformed /proc stat %q", s)
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("sfubench: short /proc stat %q", s)
	}
	u, err1 := strconv.ParseUint(f[11], 10, 64)
	st, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("sfubench: bad utime/stime in /proc stat %q", s)
	}
	return time.Duration(u+st) * time.Second / userHZ, nil
}

// coreBusy returns how long core n has been busy (every process, the
// kernel, interrupts), from /proc/stat. Minus the server's own CPU time on
// its core, it shows what else ran there: on a shared machine, other work
// on the benchmark's cores skews its latencies and loss.
func coreBusy(n int) (time.Duration, error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	return parseCoreBusy(string(data), n)
}

// parseCoreBusy reads core n's busy time from the text of /proc/stat:
// user, nice, system, irq, softirq and steal (guest time is already in
// user).
func parseCoreBusy(s string, n int) (time.Duration, error) {
	prefix := "cpu" + strconv.Itoa(n) + " "
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 9 {
			break
		}
		var busy uint64
		for _, i := range []int{1, 2, 3, 6, 7, 8} {
			v, err := strconv.ParseUint(f[i], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("sfubench: bad /proc/stat line %q", line)
			}
			busy += v
		}
		return time.Duration(busy) * time.Second / userHZ, nil
	}
	return 0, fmt.Errorf("sfubench: no core %d in /proc/stat", n)
}
