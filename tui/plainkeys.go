package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/confab-rtc/confab/call"
)

// volumeStep is how much + and - change a participant's volume, in
// percent; the engine takes 0-200.
const volumeStep = 10

// quitConfirmWindow is how long a first q waits for the second: a q
// pressed much later is a new request, not a confirmation.
const quitConfirmWindow = 10 * time.Second

// plainHelp lists the keys of plain mode, in one sentence.
const plainHelp = "Keys: m mute or unmute, w who is here, 1 to 9 choose a person, plus or minus their volume, " +
	"a speaker announcements on or off, i next microphone, o next speaker, t time in call, s status, h help, q leave."

// plainKey is one key press: a printable rune, or a named key (ctrl+c,
// escape...) with r 0.
type plainKey struct {
	r    rune
	name string
}

// ctrlC is the key that leaves at once, as in every terminal program.
var ctrlC = plainKey{name: "ctrl+c"}

// key runs the command of one key press and returns the sentences that
// answer it (every key gets one) and whether the user is leaving.
func (v *plainView) key(k plainKey, now time.Time) ([]string, bool) {
	v.greetUntil = time.Time{}
	confirmed := v.confirmQuit && now.Sub(v.confirmAt) <= quitConfirmWindow
	if k == ctrlC || (confirmed && (k.r == 'q' || k.r == 'Q')) {
		return v.leave()
	}
	v.confirmQuit = false
	switch k.r {
	case 'q', 'Q':
		v.confirmQuit, v.confirmAt = true, now
		return say("Press q again to leave, or any other key to stay."), false
	case 'm', 'M':
		muted := !v.people.self.muted
		v.engine.SetMicMuted(muted)
		v.people.self.muted = muted
		return say(selfMuteSentence(muted)), false
	case 'w', 'W':
		return v.who(), false
	case 'i', 'I':
		v.engine.CycleMicrophone()
		return say("Switching to the next microphone."), false
	case 'o', 'O':
		v.engine.CycleSpeaker()
		return say("Switching to the next speaker."), false
	case 't', 'T':
		return say(v.timeInCall(now)), false
	case 's', 'S':
		return v.status(now), false
	case 'a', 'A':
		v.quietSpeakers = !v.quietSpeakers
		if v.quietSpeakers {
			return say("Speaker announcements off. Press w to hear who is speaking."), false
		}
		v.speaker = "" // the next speaker is named, even if the same
		return say("Speaker announcements on."), false
	case 'h', 'H', '?':
		return say(plainHelp), false
	case '+', '=', '-':
		return say(v.changeVolume(k.r)), false
	}
	if k.name == "enter" {
		return say("Enter is not needed: keys act at once. Press h for help."), false
	}
	if k.r >= '1' && k.r <= '9' {
		return say(v.choose(int(k.r - '0'))), false
	}
	return say("Unknown key " + keyWords(k) + ". Press h for help."), false
}

// leave asks the engine to leave, once.
func (v *plainView) leave() ([]string, bool) {
	v.confirmQuit = false
	if v.leaving {
		return nil, true
	}
	v.leaving = true
	v.engine.Leave()
	return say("Leaving the call."), true
}

// keyWords names a key so that a screen reader says it clearly.
func keyWords(k plainKey) string {
	switch {
	case k.name != "":
		return k.name
	case k.r == ' ':
		return "space"
	case k.r == '\t':
		return "tab"
	case k.r < 0x20:
		return "ctrl+" + string(rune('a'+k.r-1))
	case k.r == 0x7f:
		return "backspace"
	}
	return string(k.r)
}

// who lists the others with their microphone state and who is speaking,
// then the local microphone.
func (v *plainView) who() []string {
	self := "Your microphone is on."
	if v.people.self.muted {
		self = "Your microphone is off."
	}
	if len(v.people.others) == 0 {
		return say("Nobody else is here. " + self)
	}
	parts := make([]string, len(v.people.others))
	for i, p := range v.people.others {
		s := fmt.Sprintf("%d %s", i+1, p.displayName())
		switch {
		case p.id == v.speaking:
			s += ", speaking"
		case p.muted:
			s += ", microphone off"
		}
		if p.role == rolePlayer {
			s += ", listening only"
		}
		if vol := v.engine.Volume(p.id); vol != 100 {
			s += fmt.Sprintf(", volume %d percent", vol)
		}
		parts[i] = s
	}
	head := "1 other person here: "
	if n := len(parts); n > 1 {
		head = strconv.Itoa(n) + " other people here: "
	}
	return say(head + strings.Join(parts, "; ") + ". " + self)
}

// choose selects the nth other participant (as who numbers them) for the
// volume keys.
func (v *plainView) choose(n int) string {
	if n > len(v.people.others) {
		return fmt.Sprintf("There is no person %d. Press w to hear who is here.", n)
	}
	p := v.people.others[n-1]
	v.selected = p.id
	return fmt.Sprintf("%s chosen, volume %d percent. Press plus or minus to change it.", p.displayName(), v.engine.Volume(p.id))
}

// changeVolume moves the chosen participant's volume one step.
func (v *plainView) changeVolume(r rune) string {
	p := v.people.find(v.selected)
	if v.selected == "" || p == nil {
		return "Choose a person first: press w, then their number."
	}
	step := volumeStep
	if r == '-' {
		step = -volumeStep
	}
	vol := clamp(v.engine.Volume(p.id)+step, 0, 200)
	v.engine.SetVolume(p.id, vol)
	return fmt.Sprintf("%s's volume is %d percent.", p.displayName(), vol)
}

// timeInCall says how long the call has been up.
func (v *plainView) timeInCall(now time.Time) string {
	d, ok := v.timer.elapsedAt(now)
	if !ok {
		return "Not connected yet."
	}
	return "In the call for " + spokenDuration(d) + "."
}

// status says the call's state in one line: connection, time, microphone,
// network and devices.
func (v *plainView) status(now time.Time) []string {
	var b strings.Builder
	switch v.state {
	case call.StateConnected:
		d, _ := v.timer.elapsedAt(now)
		fmt.Fprintf(&b, "Connected to room %s for %s.", sanitize(v.room), spokenDuration(d))
	case call.StateReconnecting:
		b.WriteString("Reconnecting.")
	case call.StateConnecting:
		b.WriteString("Connecting.")
	default:
		b.WriteString("Not connected.")
	}
	switch n := len(v.people.others); n {
	case 0:
		b.WriteString(" Nobody else is here.")
	case 1:
		b.WriteString(" 1 other person is here.")
	default:
		fmt.Fprintf(&b, " %d other people are here.", n)
	}
	if v.people.self.muted {
		b.WriteString(" Your microphone is off.")
	} else {
		b.WriteString(" Your microphone is on.")
	}
	if band, ok := v.bands[v.people.self.id]; ok {
		b.WriteString(" Your network is " + bandWords(band) + ".")
	}
	if v.micName != "" {
		b.WriteString(" Microphone: " + v.micName + ".")
	}
	if v.speakerName != "" {
		b.WriteString(" Speaker: " + v.speakerName + ".")
	}
	return say(b.String())
}
