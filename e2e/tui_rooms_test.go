package e2e

import (
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/pulsetest"
)

// roomLine returns the line of the room list that names room, "" when
// the list does not show it.
func roomLine(screen, room string) string {
	re := regexp.MustCompile(`(?m)^\s*›?\s*` + regexp.QuoteMeta(room) + `\s{2,}\S.*$`)
	return re.FindString(screen)
}

// hasRoom reports whether the list shows room with count ("1 person",
// "2 people").
func hasRoom(screen, room, count string) bool {
	return strings.Contains(roomLine(screen, room), count)
}

// freeAddr returns a loopback address no one listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestRoomsInTmux runs `confab demo` in a real terminal with real audio
// devices and uses its room list as a person would: r shows the demo's
// two rooms with their counts; a room another client creates appears, and
// its count follows people joining and leaving; enter on lounge leaves the
// demo call and joins lounge in the same program; q q ends it with the
// terminal restored.
func TestRoomsInTmux(t *testing.T) {
	needTmux(t)
	pa := pulsetest.Start(t)
	e := newEnv(t)
	// The demo's server takes the configuration's app credentials, so the
	// test's own clients can join its rooms.
	if err := os.WriteFile(e.config, []byte("[app]\napp_id = \"app-e2e\"\napp_key = \"6b6579206f6620746865207475692d726f6f6d7320746573742c203332206279\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	x := confabInTmux(t, e, pa, 100, 30, "demo.log", "demo", "--name", "Tester", "--listen", addr)
	x.waitScreen("the demo call", 30*time.Second, func(s string) bool {
		return strings.Contains(s, "room demo") && strings.Contains(s, "Chiara") && strings.Contains(s, "● connected")
	})

	x.run("send-keys", "-t", "demo", "r")
	screen := x.waitScreen("the room list with demo (4) and lounge (1)", 10*time.Second, func(s string) bool {
		return hasRoom(s, "demo", "4 people") && hasRoom(s, "lounge", "1 person")
	})
	t.Logf("rooms:\n%s", screen)
	if !strings.Contains(roomLine(screen, "demo"), "you are here") {
		t.Errorf("the demo room is not marked as the current one: %q", roomLine(screen, "demo"))
	}

	// Another client creates a room: it appears; a second one joins it
	// and the count follows, then leaves and it follows back.
	server := "ws://" + addr
	zoe := e.startClient("zoe", "--server", server, "--name", "Zoe", "--user", "zoe", "--mic", "none", "--speaker", "none", "retro")
	x.waitScreen("the new room retro with 1 person", 15*time.Second, func(s string) bool { return hasRoom(s, "retro", "1 person") })
	yuri := e.startClient("yuri", "--server", server, "--name", "Yuri", "--user", "yuri", "--mic", "none", "--speaker", "none", "retro")
	screen = x.waitScreen("retro with 2 people", 15*time.Second, func(s string) bool { return hasRoom(s, "retro", "2 people") })
	// Busiest first: demo (4), retro (2), lounge (1).
	if d, r, l := strings.Index(screen, roomLine(screen, "demo")), strings.Index(screen, roomLine(screen, "retro")), strings.Index(screen, roomLine(screen, "lounge")); !(d < r && r < l) {
		t.Errorf("rooms not sorted by people:\n%s", screen)
	}
	yuri.send("leave")
	if err := yuri.waitExit(15 * time.Second); err != nil {
		t.Fatalf("yuri: %v", err)
	}
	x.waitScreen("retro back to 1 person", 15*time.Second, func(s string) bool { return hasRoom(s, "retro", "1 person") })

	// Down from demo selects lounge (ties go by name: lounge before
	// retro); enter switches the call.
	x.run("send-keys", "-t", "demo", "Down")
	x.waitScreen("lounge selected", 5*time.Second, func(s string) bool {
		return strings.HasPrefix(strings.TrimSpace(roomLine(s, "lounge")), "›")
	})
	switchStart := time.Now()
	x.run("send-keys", "-t", "demo", "Enter")
	screen = x.waitScreen("the lounge call with Dmitri", 20*time.Second, func(s string) bool {
		return strings.Contains(s, "room lounge") && strings.Contains(s, "Dmitri") && strings.Contains(s, "● connected")
	})
	// Not asserted (a loaded machine is slower): the time a person waits
	// from enter to the new room's call on screen, polled every 100 ms.
	t.Logf("switch from demo to lounge on screen after %v; screen:\n%s", time.Since(switchStart).Round(10*time.Millisecond), screen)
	if strings.Contains(screen, "Chiara") {
		t.Errorf("the demo room's people are still listed after the switch:\n%s", screen)
	}
	// The list follows the move: the demo lost one, lounge gained one.
	x.run("send-keys", "-t", "demo", "r")
	x.waitScreen("demo (3) and lounge (2), here", 10*time.Second, func(s string) bool {
		return hasRoom(s, "demo", "3 people") && hasRoom(s, "lounge", "2 people") && strings.Contains(roomLine(s, "lounge"), "you are here")
	})
	// The last one out of retro: the room vanishes from the list.
	zoe.send("leave")
	if err := zoe.waitExit(15 * time.Second); err != nil {
		t.Fatalf("zoe: %v", err)
	}
	x.waitScreen("retro gone from the list", 15*time.Second, func(s string) bool {
		return roomLine(s, "retro") == "" && hasRoom(s, "lounge", "2 people")
	})
	x.run("send-keys", "-t", "demo", "r")

	final := x.leave()
	if strings.Contains(final, "Dmitri") {
		t.Fatalf("the call view is still on screen after exit:\n%s", final)
	}
}

// TestJoinRoomsScreenInTmux runs `confab join` without a room in a real
// terminal against a demo server: the rooms screen lists the demo's rooms
// with their counts, typing a new name and enter creates that room and
// shows its call, and q q ends with the terminal restored.
func TestJoinRoomsScreenInTmux(t *testing.T) {
	needTmux(t)
	pa := pulsetest.Start(t)
	e := newEnv(t)
	if err := os.WriteFile(e.config, []byte("[app]\napp_id = \"app-e2e\"\napp_key = \"0123456789abcdef0123456789abcdef\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	demo := e.command("demo", "demo", "--headless", "--mic", "none", "--speaker", "none", "--listen", addr, "--duration", "2m")
	if err := demo.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(demo, 5*time.Second) })

	x := confabInTmux(t, e, pa, 100, 30, "join.log", "join", "--server", "ws://"+addr, "--name", "Tester")
	screen := x.waitScreen("the rooms screen with demo (4) and lounge (1)", 30*time.Second, func(s string) bool {
		return strings.Contains(s, "confab  rooms") && hasRoom(s, "demo", "4 people") && hasRoom(s, "lounge", "1 person")
	})
	t.Logf("rooms screen:\n%s", screen)
	x.run("send-keys", "-t", "demo", "-l", "retro")
	x.waitScreen("the create item", 5*time.Second, func(s string) bool { return strings.Contains(s, `create "retro"`) })
	x.run("send-keys", "-t", "demo", "Enter")
	screen = x.waitScreen("the call in retro", 20*time.Second, func(s string) bool {
		return strings.Contains(s, "room retro") && strings.Contains(s, "Tester (you)") && strings.Contains(s, "● connected")
	})
	t.Logf("call:\n%s", screen)

	x.leave()
}
